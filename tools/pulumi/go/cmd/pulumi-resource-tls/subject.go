package main

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"net/url"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"
)

// subjectOf builds a certificate subject from the schema's `subject` object.
func subjectOf(p provider.Props) pkix.Name {
	s := p.Object("subject")
	one := func(k string) []string {
		if v := s.String(k); v != "" {
			return []string{v}
		}
		return nil
	}
	name := pkix.Name{
		CommonName:         s.String("commonName"),
		Organization:       one("organization"),
		OrganizationalUnit: one("organizationalUnit"),
		StreetAddress:      s.Strings("streetAddresses"),
		Locality:           one("locality"),
		Province:           one("province"),
		Country:            one("country"),
		PostalCode:         one("postalCode"),
		SerialNumber:       s.String("serialNumber"),
	}
	if e := s.String("emailAddress"); e != "" {
		// PKCS #9 emailAddress as an IA5String, as upstream encodes it.
		name.ExtraNames = append(name.ExtraNames, pkix.AttributeTypeAndValue{
			Type:  asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1},
			Value: asn1.RawValue{Tag: asn1.TagIA5String, Bytes: []byte(e)},
		})
	}
	return name
}

// sansOf reads dnsNames, ipAddresses and uris.
func sansOf(p provider.Props) ([]string, []net.IP, []*url.URL, error) {
	var ips []net.IP
	for _, s := range p.Strings("ipAddresses") {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, nil, nil, fmt.Errorf("ipAddresses: %q is not an IP address", s)
		}
		ips = append(ips, ip)
	}
	var uris []*url.URL
	for _, s := range p.Strings("uris") {
		u, err := url.Parse(s)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("uris: %w", err)
		}
		uris = append(uris, u)
	}
	return p.Strings("dnsNames"), ips, uris, nil
}
