// Command ferretdb runs FerretDB 1.24 (MongoDB wire protocol on SQLite) as Hallwatch's embedded
// database when MONGODB_URI is unset. It wraps FerretDB's embeddable package because
// `go install .../cmd/ferretdb` builds a binary that panics without the version file that
// FerretDB's release tooling generates. scripts/install-system-deps.sh builds it on FerretDB's
// source with the patches beside this file (serialize-writes.patch: writers queue in FerretDB, not
// in SQLite's busy handler; id-index.patch: filters naming _id use the _id index; docs/operations.md,
// The embedded servers), which go.mod's replace points at.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data/ferretdb", "directory of the SQLite databases")
	flag.Parse()

	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create data directory %s: %v\n", *dataDir, err)
		os.Exit(1)
	}

	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go func() {
		// MongoDBURI blocks until the listener is bound, so this line tells the parent we are ready.
		fmt.Println("ready " + f.MongoDBURI())
	}()

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
