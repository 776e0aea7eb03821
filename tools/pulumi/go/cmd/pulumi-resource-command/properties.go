package main

// properties lists, per resource type and per nested object ("connection", "proxy"), every
// property name this plugin reads or writes. sdk_test.go checks that it covers every name the
// installed @pulumi/command sends or reads, and that no Create writes a name outside it (the
// state keeps upstream's shape).
var properties = map[string][]string{
	"command:remote:Command": {
		"connection", "environment", "triggers", "create", "update", "delete", "stdin", "logging",
		"addPreviousOutputInEnv", "stdout", "stderr",
	},
	"command:local:Command": {
		"interpreter", "dir", "environment", "triggers", "create", "update", "delete", "stdin", "logging",
		"addPreviousOutputInEnv", "stdout", "stderr",
		// Known but refused by Check: see unimplementedInputs.
		"assetPaths", "archivePaths", "assets", "archive",
	},
	"command:remote:CopyToRemote": {"connection", "triggers", "source", "remotePath"},
	"connection": {
		"host", "port", "user", "password", "privateKey", "privateKeyPassword", "agentSocketPath",
		"dialErrorLimit", "perDialTimeout", "hostKey", "proxy",
	},
	"proxy": {
		"host", "port", "user", "password", "privateKey", "privateKeyPassword", "agentSocketPath",
		"dialErrorLimit", "perDialTimeout", "hostKey",
	},
}

// unimplementedInputs are inputs of upstream's local.Command that this plugin does not
// implement (the project does not use them); Check refuses them rather than ignore them.
var unimplementedInputs = []string{"assetPaths", "archivePaths"}

// unimplementedTypes are SDK resource types this plugin does not serve (the engine then fails
// with "does not implement"): remote.CopyFile is deprecated upstream in favour of CopyToRemote.
var unimplementedTypes = []string{"command:remote:CopyFile"}
