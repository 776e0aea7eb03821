#!/usr/bin/env bash
# What an operator holds after `aks-engine deploy`: _output/<dnsPrefix>/ with apimodel.json
# (defaults filled in, certificateProfile included), azuredeploy.json (nameSuffix parameter),
# kubeconfig/kubeconfig.<location>.json (admin, JSON), the SSH private key given with --ssh,
# plus known_hosts with every node's pinned host key (by name and IP).
# Every file holds or sits next to secrets: the folder is 0700, files 0600.

# pem_array FILE...: a JSON array of the files' contents.
pem_array() {
  local f
  for f in "$@"; do jq -Rs . "${f}"; done | jq -cs .
}

# write_apimodel MASTERS AGENTS PRIVATE DIR SCALE_SET_COUNT: a scale-set pool (count > 0) is
# written as AKS Engine writes one: a count and no instance ids, which apimodel.json never holds.
# A cluster in another network than the default one is written as AKS Engine writes a custom
# VNET: masterProfile.vnetCidr and every profile's vnetSubnetID (one subnet for all).
write_apimodel() {
  local masters=$1 agents=$2 private=$3 dir=$4 scale_set=${5:-0} i peers_crt=() peers_key=()
  local args=(--arg location "${LAB_LOCATION}" --arg dnsPrefix "${LAB_DNS_PREFIX}"
    --arg vmssPool "${LAB_SCALE_SET_POOL}" --argjson vmssCount "${scale_set}"
    --arg version "${LAB_K8S_VERSION}" --argjson masters "${masters}" --argjson agents "${agents}"
    --argjson private "${private}" --arg firstIP "${LAB_FIRST_MASTER_IP}"
    --arg user "${LAB_ADMIN_USER}" --arg pool "${LAB_AGENT_POOL}"
    --arg serviceCidr "${LAB_SERVICE_CIDR}" --arg vmDnsSuffix "${LAB_VM_DNS_SUFFIX}"
    --arg vnet "${LAB_VNET}" --arg defaultVnet "${LAB_DEFAULT_VNET}"
    --rawfile sshPub "${LAB_STATE}/ssh/azureuser_rsa.pub")
  local name
  for name in ca apiserver client kubectlClient etcdserver etcdclient; do
    args+=(--rawfile "${name}Crt" "${LAB_PKI_DIR}/${name}.crt" --rawfile "${name}Key" "${LAB_PKI_DIR}/${name}.key")
  done
  for ((i = 0; i < masters; i++)); do
    peers_crt+=("${LAB_PKI_DIR}/etcdpeer${i}.crt")
    peers_key+=("${LAB_PKI_DIR}/etcdpeer${i}.key")
  done
  # Key material goes through files, never through jq's argv.
  pem_array "${peers_crt[@]}" >"${LAB_PKI_DIR}/etcdpeer-certs.json"
  pem_array "${peers_key[@]}" >"${LAB_PKI_DIR}/etcdpeer-keys.json"
  args+=(--slurpfile peerCrts "${LAB_PKI_DIR}/etcdpeer-certs.json")
  args+=(--slurpfile peerKeys "${LAB_PKI_DIR}/etcdpeer-keys.json")
  jq -n "${args[@]}" '
  def stack: "https://management.\($location).azurestack.external/";
  def pool($name; $count; $profile): {
    name: $name,
    count: $count,
    vmSize: "Standard_D2_v2",
    osType: "Linux",
    distro: "aks-ubuntu-22.04",
    availabilityProfile: $profile,
    storageProfile: "ManagedDisks",
    osDiskSizeGB: 200,
    acceleratedNetworkingEnabled: false
  };
  def customVnet: $vnet != $defaultVnet;
  def subnet: {vnetSubnetID: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/\($dnsPrefix)/providers/Microsoft.Network/virtualNetworks/\($dnsPrefix)-vnet/subnets/\($dnsPrefix)-subnet"};
  def inVnet: if customVnet then . + subnet else . end;
  def scaleSetPool($name; $count):
    pool($name; $count; "VirtualMachineScaleSets")
    + {scalesetPriority: "Regular", singlePlacementGroup: true, enableVMSSNodePublicIP: false};
  {
    apiVersion: "vlabs",
    location: $location,
    properties: {
      orchestratorProfile: {
        orchestratorType: "Kubernetes",
        orchestratorRelease: ($version | split(".")[0:2] | join(".")),
        orchestratorVersion: $version,
        kubernetesConfig: {
          kubernetesImageBase: "mcr.microsoft.com/",
          clusterSubnet: "10.244.0.0/16",
          networkPolicy: "",
          networkPlugin: "kubenet",
          containerRuntime: "containerd",
          serviceCidr: $serviceCidr,
          dnsServiceIP: "10.0.0.10",
          useManagedIdentity: false,
          useCloudControllerManager: true,
          useInstanceMetadata: false,
          enableRbac: true,
          enableAggregatedAPIs: true,
          privateCluster: {enabled: $private},
          etcdVersion: "3.4.23",
          etcdDiskSizeGB: "256",
          etcdStorageLimitGB: 2,
          loadBalancerSku: "Basic",
          kubeletConfig: {"--node-status-update-frequency": "1m"},
          controllerManagerConfig: {
            "--node-monitor-grace-period": "5m",
            "--pod-eviction-timeout": "5m",
            "--route-reconciliation-period": "1m"
          }
        }
      },
      masterProfile: ({
        count: $masters,
        dnsPrefix: $dnsPrefix,
        subjectAltNames: [],
        vmSize: "Standard_DS2_v2",
        firstConsecutiveStaticIP: $firstIP,
        storageProfile: "ManagedDisks",
        oauthEnabled: false,
        distro: "aks-ubuntu-22.04",
        availabilityProfile: "AvailabilitySet",
        osDiskSizeGB: 200
      } + (if customVnet then subnet + {vnetCidr: $vnet} else {} end)),
      agentPoolProfiles: (
        [pool($pool; $agents; "AvailabilitySet") | inVnet]
        + (if $vmssCount > 0 then [scaleSetPool($vmssPool; $vmssCount) | inVnet] else [] end)
      ),
      linuxProfile: {
        adminUsername: $user,
        ssh: {publicKeys: [{keyData: ($sshPub | rtrimstr("\n"))}]},
        enableUnattendedUpgrades: false,
        runUnattendedUpgradesOnBootstrap: false
      },
      servicePrincipalProfile: {clientId: "00000000-0000-0000-0000-000000000000", secret: ""},
      customCloudProfile: {
        identitySystem: "azure_ad",
        authenticationMethod: "client_secret",
        portalURL: "https://portal.\($location).azurestack.external/",
        environment: {
          name: "AzureStackCloud",
          managementPortalURL: "https://portal.\($location).azurestack.external/",
          publishSettingsURL: "",
          serviceManagementEndpoint: "https://management.azurestack.external/00000000-0000-0000-0000-000000000000",
          resourceManagerEndpoint: stack,
          activeDirectoryEndpoint: "https://login.microsoftonline.com/",
          galleryEndpoint: "https://portal.\($location).azurestack.external:30015/",
          keyVaultEndpoint: "https://vault.azurestack.external/00000000-0000-0000-0000-000000000000",
          graphEndpoint: "https://graph.windows.net/",
          storageEndpointSuffix: "\($location).azurestack.external",
          sqlDatabaseDNSSuffix: "",
          trafficManagerDNSSuffix: "",
          keyVaultDNSSuffix: "vault.\($location).azurestack.external",
          serviceBusEndpointSuffix: "",
          serviceManagementVMDNSSuffix: "cloudapp.net",
          resourceManagerVMDNSSuffix: $vmDnsSuffix,
          containerRegistryDNSSuffix: ""
        }
      },
      certificateProfile: {
        caCertificate: $caCrt, caPrivateKey: $caKey,
        apiServerCertificate: $apiserverCrt, apiServerPrivateKey: $apiserverKey,
        clientCertificate: $clientCrt, clientPrivateKey: $clientKey,
        kubeConfigCertificate: $kubectlClientCrt, kubeConfigPrivateKey: $kubectlClientKey,
        etcdServerCertificate: $etcdserverCrt, etcdServerPrivateKey: $etcdserverKey,
        etcdClientCertificate: $etcdclientCrt, etcdClientPrivateKey: $etcdclientKey,
        etcdPeerCertificates: $peerCrts[0], etcdPeerPrivateKeys: $peerKeys[0]
      }
    }
  }' >"${dir}/apimodel.json"
}

write_azuredeploy() {
  local suffix=$1 dir=$2
  jq -n --arg suffix "${suffix}" --arg firstIP "${LAB_FIRST_MASTER_IP}" \
    --arg user "${LAB_ADMIN_USER}" --arg dnsPrefix "${LAB_DNS_PREFIX}" '{
    "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      firstConsecutiveStaticIP: {defaultValue: $firstIP, metadata: {description: "Sets the static IP of the first master"}, type: "string"},
      linuxAdminUsername: {metadata: {description: "User name for the Linux Virtual Machines (SSH or Password)."}, type: "string"},
      masterEndpointDNSNamePrefix: {metadata: {description: "Sets the Domain name label for the master IP Address. The concatenation of the domain name label and the regional DNS zone make up the fully qualified domain name associated with the public IP address."}, type: "string"},
      nameSuffix: {defaultValue: $suffix, metadata: {description: "A string hash of the master DNS name to uniquely identify the cluster."}, type: "string"},
      orchestratorName: {defaultValue: "k8s", minLength: 3, maxLength: 3, metadata: {description: "The orchestrator name used in resource names."}, type: "string"}
    },
    variables: {
      masterVMNamePrefix: "[concat(parameters('\''orchestratorName'\''), '\''-master-'\'', parameters('\''nameSuffix'\''), '\''-'\'')]"
    },
    resources: [],
    outputs: {}
  }' >"${dir}/azuredeploy.json"
}

# The admin kubeconfig as engine.GenerateKubeConfig renders parts/k8s/kubeconfig.json.
write_kubeconfig() {
  local masters=$1 private=$2 dir=$3 server
  if [ "${private}" = true ]; then
    if [ "${masters}" -gt 1 ]; then server="https://$(internal_lb_ip)"; else server="https://$(master_ip 0)"; fi
  else
    server="https://${LAB_FQDN}"
  fi
  mkdir -p "${dir}/kubeconfig"
  chmod 0700 "${dir}/kubeconfig"
  jq -n --arg name "${LAB_DNS_PREFIX}" --arg server "${server}" \
    --arg ca "$(base64 -w0 "${LAB_PKI_DIR}/ca.crt")" \
    --arg crt "$(base64 -w0 "${LAB_PKI_DIR}/kubectlClient.crt")" \
    --rawfile key "${LAB_PKI_DIR}/kubectlClient.key" '{
    apiVersion: "v1",
    clusters: [{cluster: {"certificate-authority-data": $ca, server: $server}, name: $name}],
    contexts: [{context: {cluster: $name, user: "\($name)-admin"}, name: $name}],
    "current-context": $name,
    kind: "Config",
    users: [{name: "\($name)-admin", user: {"client-certificate-data": $crt, "client-key-data": ($key | @base64)}}]
  }' >"${dir}/kubeconfig/kubeconfig.${LAB_LOCATION}.json"
}

# known_hosts: "name,ip key" for every host key of every node, as `ssh-keyscan` lists them
# (ed25519 first), so whatever type a client pins must be the one it negotiates.
write_known_hosts() {
  local dir=$1 i type
  for i in "${!NODE_NAMES[@]}"; do
    for type in ed25519 ecdsa rsa; do
      printf '%s,%s %s\n' "${NODE_NAMES[$i]}" "${NODE_IPS[$i]}" \
        "$(cut -d' ' -f1,2 "${LAB_NODES_DIR}/${NODE_NAMES[$i]}/ssh_host_${type}_key.pub")"
    done
  done >"${dir}/known_hosts"
}

# write_output MASTERS AGENTS SUFFIX PRIVATE [SCALE_SET_COUNT]
write_output() {
  local masters=$1 agents=$2 suffix=$3 private=$4 scale_set=${5:-0} dir="${LAB_OUTPUT_DIR}"
  mkdir -p "${dir}"
  chmod 0700 "${dir}"
  (
    umask 077
    write_apimodel "${masters}" "${agents}" "${private}" "${dir}" "${scale_set}"
    write_azuredeploy "${suffix}" "${dir}"
    write_kubeconfig "${masters}" "${private}" "${dir}"
    write_known_hosts "${dir}"
    install -m 0600 "${LAB_STATE}/ssh/azureuser_rsa" "${LAB_SSH_KEY}"
    install -m 0600 "${LAB_STATE}/ssh/azureuser_rsa.pub" "${LAB_SSH_KEY}.pub"
    echo "made by the lab (lab/lib/output.sh): its keys may use the lab's passphrase" >"${dir}/.aks-lab"
  )
}
