package main

import (
	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// properties lists, per resource type and for the nested "subject", every property name this
// plugin reads or writes. sdk_test.go checks that it covers every name the installed
// @pulumi/tls sends or reads, and that no Create writes a name outside it (the state keeps
// upstream's shape).
var properties = map[string][]string{
	"tls:index/privateKey:PrivateKey": {
		"algorithm", "rsaBits", "ecdsaCurve", "privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh",
		"publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256",
	},
	"tls:index/certRequest:CertRequest": {
		"privateKeyPem", "privateKeyPemWo", "privateKeyPemWoVersion", "subject", "dnsNames", "ipAddresses",
		"uris", "certRequestPem", "keyAlgorithm",
	},
	"tls:index/selfSignedCert:SelfSignedCert": {
		"privateKeyPem", "privateKeyPemWo", "privateKeyPemWoVersion", "subject", "dnsNames", "ipAddresses",
		"uris", "validityPeriodHours", "earlyRenewalHours", "allowedUses", "isCaCertificate", "maxPathLength",
		"setSubjectKeyId", "setAuthorityKeyId", "certPem", "keyAlgorithm", "validityStartTime",
		"validityEndTime", "readyForRenewal",
	},
	"tls:index/locallySignedCert:LocallySignedCert": {
		"certRequestPem", "caCertPem", "caPrivateKeyPem", "caPrivateKeyPemWo", "caPrivateKeyPemWoVersion",
		"validityPeriodHours", "earlyRenewalHours", "allowedUses", "isCaCertificate", "maxPathLength",
		"setSubjectKeyId", "certPem", "caKeyAlgorithm", "validityStartTime", "validityEndTime",
		"readyForRenewal",
	},
	"subject": {
		"commonName", "country", "emailAddress", "locality", "organization", "organizationalUnit",
		"postalCode", "province", "serialNumber", "streetAddresses",
	},
}

// unimplementedInputs are the write-only key inputs of @pulumi/tls 5.6 (Terraform write-only
// attributes). This plugin does not implement them (the project passes keys as secrets in
// privateKeyPem/caPrivateKeyPem); Check refuses them rather than ignore them.
var unimplementedInputs = []string{
	"privateKeyPemWo", "privateKeyPemWoVersion", "caPrivateKeyPemWo", "caPrivateKeyPemWoVersion",
}

// refuseUnimplemented adds a check failure for each unimplemented input that is set.
func refuseUnimplemented(p provider.Props, failures []plugin.CheckFailure) []plugin.CheckFailure {
	for _, k := range unimplementedInputs {
		if p.Has(k) || p.Unknown(k) {
			failures = append(failures, plugin.CheckFailure{
				Property: resource.PropertyKey(k), Reason: k + " (write-only) is not implemented by this project's own tls plugin",
			})
		}
	}
	return failures
}
