package transport

import (
	"io"
	"log/slog"
	"time"

	"github.com/ssh2go/ssh2/keys"
)

// DefaultRekeyBytes is how much data one set of keys protects, in each
// direction, before a new key exchange starts (DESIGN.md; well inside
// RFC 4344 §3.2's bound for 128-bit block ciphers).
const DefaultRekeyBytes = 1 << 30

// rekeyPackets bounds packets per key set (RFC 4344 §3.1 for 128-bit
// blocks; also keeps 32-bit sequence numbers from wrapping).
const rekeyPackets = 1 << 31

// maxQueuedControl bounds the control messages held back while a key
// exchange is in progress.
const maxQueuedControl = 1024

// Config holds the settings of one transport connection.
type Config struct {
	// Version is our identification string; DefaultVersion if empty.
	Version string
	// Rand is the source of randomness; crypto/rand if nil.
	Rand io.Reader

	// Algorithm preferences, most preferred first. Nil means the defaults.
	KexAlgorithms     []string
	HostKeyAlgorithms []string
	Ciphers           []string
	MACs              []string

	// RekeyBytes starts a new key exchange after this many bytes in either
	// direction; 0 means DefaultRekeyBytes.
	RekeyBytes uint64
	// RekeyInterval, if positive, starts a new key exchange when this much
	// time has passed since the last one (checked as packets flow).
	RekeyInterval time.Duration
	// MaxPacket bounds an incoming packet_length; 0 means DefaultMaxPacket.
	MaxPacket int

	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
	// OnKeyExchange, if set, is called after every completed key exchange
	// with the algorithms now in use. It runs on the reading goroutine.
	OnKeyExchange func(Algorithms)

	// HostKeyCallback (client) decides whether to trust the server's host
	// key after its signature over the exchange hash has been verified.
	HostKeyCallback func(key keys.PublicKey) error

	// HostKeys (server) are the host keys; each offers the signature
	// algorithms its Algorithms method lists, filtered by HostKeyAlgorithms.
	HostKeys []keys.Signer
	// Preamble (server) lines are sent before the identification string
	// (RFC 4253 §4.2).
	Preamble []string
	// ServerSigAlgs (server) is announced in the server-sig-algs extension
	// (RFC 8308 §3.1).
	ServerSigAlgs []string
}

func (c *Config) rekeyBytes() uint64 {
	if c.RekeyBytes == 0 {
		return DefaultRekeyBytes
	}
	return c.RekeyBytes
}

func (c *Config) maxPacket() int {
	if c.MaxPacket <= 0 {
		return DefaultMaxPacket
	}
	return c.MaxPacket
}

func (c *Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}
