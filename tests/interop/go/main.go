// Command c2sp-check checks ColdCheck's C2SP checkpoints and proofs with Go's own
// golang.org/x/mod/sumdb/note and sumdb/tlog, sharing no code with ColdCheck.
//
// It reads one JSON document on standard input:
//
//	{"vkey": "...", "notes": ["<checkpoint note>", ...],
//	 "inclusion": [{"note": i, "index": n, "body": "<leaf bytes>", "proof": ["<b64>", ...]}],
//	 "consistency": [{"old": i, "new": j, "proof": ["<b64>", ...]}]}
//
// and prints one line per check, exiting 1 at the first that fails.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Vkey      string   `json:"vkey"`
	Notes     []string `json:"notes"`
	Inclusion []struct {
		Note  int      `json:"note"`
		Index int64    `json:"index"`
		Body  string   `json:"body"`
		Proof []string `json:"proof"`
	} `json:"inclusion"`
	Consistency []struct {
		Old   int      `json:"old"`
		New   int      `json:"new"`
		Proof []string `json:"proof"`
	} `json:"consistency"`
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

// parse reads a tlog-checkpoint body: origin, decimal size, base64 root (sumdb's own
// ParseTree wants the go.sum header line instead of an origin).
func parse(text string) checkpoint {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		fail("checkpoint has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		fail("checkpoint size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("checkpoint root %q: %v", lines[2], err)
	}
	return checkpoint{lines[0], size, root}
}

func hashes(b64 []string) []tlog.Hash {
	out := make([]tlog.Hash, len(b64))
	for i, s := range b64 {
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(raw) != tlog.HashSize {
			fail("proof hash %q", s)
		}
		copy(out[i][:], raw)
	}
	return out
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("input: %v", err)
	}
	verifier, err := note.NewVerifier(in.Vkey)
	if err != nil {
		fail("vkey: %v", err)
	}
	heads := make([]checkpoint, len(in.Notes))
	for i, text := range in.Notes {
		n, err := note.Open([]byte(text), note.VerifierList(verifier))
		if err != nil {
			fail("note %d: %v", i, err)
		}
		heads[i] = parse(n.Text)
		if heads[i].origin != verifier.Name() {
			fail("note %d is of %q, not %q", i, heads[i].origin, verifier.Name())
		}
		fmt.Printf("note %d: %s size %d signed by %s\n", i, heads[i].origin, heads[i].size, verifier.Name())
	}
	for _, c := range in.Inclusion {
		h := heads[c.Note]
		leaf := tlog.RecordHash([]byte(c.Body))
		if err := tlog.CheckRecord(hashes(c.Proof), h.size, h.root, c.Index, leaf); err != nil {
			fail("record %d in tree %d: %v", c.Index, h.size, err)
		}
		fmt.Printf("record %d in tree %d: ok\n", c.Index, h.size)
	}
	for _, c := range in.Consistency {
		o, n := heads[c.Old], heads[c.New]
		if err := tlog.CheckTree(hashes(c.Proof), n.size, n.root, o.size, o.root); err != nil {
			fail("tree %d extends tree %d: %v", n.size, o.size, err)
		}
		fmt.Printf("tree %d extends tree %d: ok\n", n.size, o.size)
	}
}
