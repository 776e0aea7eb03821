// Command pulumi-language-nodejs is this project's own Node.js language host for the Pulumi
// engine. The upstream host's module is not served by the Go module proxy these machines reach,
// so the engine's LanguageRuntime contract is implemented here on top of sdk/v3's gRPC types:
// the engine starts this binary, reads the port it prints, and asks it which plugins the
// program needs and to run the program with `node <@pulumi/pulumi>/cmd/run`.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	engineAddress := lastPositional(os.Args[1:])
	host := &nodeHost{engineAddress: engineAddress}

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}

	// The engine reads the first line of stdout as the port to dial.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// lastPositional returns the engine address: the engine passes it as the last argument, after
// flags such as -v=9, --logtostderr or --tracing that this host accepts and ignores.
func lastPositional(args []string) string {
	for i := len(args) - 1; i >= 0; i-- {
		if !strings.HasPrefix(args[i], "-") {
			return args[i]
		}
	}
	return ""
}
