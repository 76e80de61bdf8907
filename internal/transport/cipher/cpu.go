package cipher

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// hasGCMHardware reports whether this CPU has instructions that make
// AES-GCM both fast and constant-time in Go's crypto/aes (AES rounds plus a
// carry-less multiply for GHASH). Without them ChaCha20-Poly1305 is faster
// and free of table-lookup timing channels, so it goes first.
var hasGCMHardware = detectGCMHardware()

func detectGCMHardware() bool {
	switch runtime.GOARCH {
	case "amd64", "386":
		return cpu.X86.HasAES && cpu.X86.HasPCLMULQDQ
	case "arm64":
		return cpu.ARM64.HasAES && cpu.ARM64.HasPMULL
	case "s390x":
		return cpu.S390X.HasAES && cpu.S390X.HasAESGCM
	case "ppc64le", "ppc64":
		return cpu.PPC64.IsPOWER8
	}
	return false
}
