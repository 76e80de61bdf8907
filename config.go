package ssh2

import (
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/ssh2go/ssh2/internal/transport"
	"github.com/ssh2go/ssh2/internal/transport/cipher"
)

// Config holds the settings clients and servers share. The zero value
// uses safe defaults.
type Config struct {
	// Algorithm preferences, most preferred first; nil means the defaults
	// (see SupportedAlgorithms). Unknown names make the connection fail
	// rather than being silently dropped.
	KexAlgorithms     []string
	HostKeyAlgorithms []string
	Ciphers           []string
	MACs              []string

	// RekeyLimit starts a new key exchange after this many bytes in
	// either direction (0: 1 GiB). RekeyInterval, if set, also starts one
	// after this much time.
	RekeyLimit    uint64
	RekeyInterval time.Duration

	// WindowSize is the receive window granted to each channel (0: 2 MiB);
	// MaxPacketSize is the largest channel data packet accepted (0: 32 KiB).
	WindowSize    uint32
	MaxPacketSize uint32
	// MaxChannels bounds open channels per connection (0: 1024).
	MaxChannels int

	// Version is the identification string sent to the peer
	// (default "SSH-2.0-ssh2go_1.0").
	Version string
	// Rand is the randomness source; crypto/rand when nil.
	Rand io.Reader
	// Logger receives protocol debug logs; nil discards them.
	Logger *slog.Logger
	// OnHandshake is called after every key exchange, the first and each
	// re-key, with the algorithms now in use.
	OnHandshake func(Algorithms)
}

// Algorithms are the algorithms negotiated by a key exchange.
type Algorithms = transport.Algorithms

// AlgorithmLists names algorithms by kind: key exchange, host key,
// cipher and MAC.
type AlgorithmLists = transport.AlgorithmLists

// SupportedAlgorithms lists the algorithms this package implements and
// enables by default (servers leave out the NIST-curve key exchanges and
// SHA-1 MACs unless configured).
func SupportedAlgorithms() AlgorithmLists { return transport.Supported() }

// DefaultAlgorithms lists the algorithms a client (or a server) offers
// when its Config leaves the lists empty, in order of preference. A
// server's host key list starts with the host certificate algorithms; it
// offers those its HostKeys can make.
func DefaultAlgorithms(client bool) AlgorithmLists {
	hostKey := transport.DefaultHostKeyAlgorithms
	if !client {
		hostKey = transport.DefaultServerHostKeyAlgorithms
	}
	return AlgorithmLists{
		Kex:     slices.Clone(transport.DefaultKexAlgorithms(client)),
		HostKey: slices.Clone(hostKey),
		Ciphers: cipher.DefaultCiphers(),
		MACs:    slices.Clone(transport.DefaultMACs(client)),
	}
}

// InsecureAlgorithms lists the algorithms this package implements for old
// peers but uses only when configured explicitly.
func InsecureAlgorithms() AlgorithmLists { return transport.Insecure() }

func (c *Config) transport() *transport.Config {
	return &transport.Config{
		Version:           c.Version,
		Rand:              c.Rand,
		KexAlgorithms:     c.KexAlgorithms,
		HostKeyAlgorithms: c.HostKeyAlgorithms,
		Ciphers:           c.Ciphers,
		MACs:              c.MACs,
		RekeyBytes:        c.RekeyLimit,
		RekeyInterval:     c.RekeyInterval,
		Logger:            c.Logger,
		OnKeyExchange:     c.OnHandshake,
	}
}
