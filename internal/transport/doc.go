// Package transport implements the SSH transport layer protocol
// (RFC 4253): version exchange, the binary packet protocol, algorithm
// negotiation, key exchange and re-exchange, strict KEX (Terrapin
// countermeasure), RFC 8308 extension negotiation and OpenSSH's ping.
//
// Threading: one goroutine reads (ReadPacket); key exchanges, initial and
// later, run inside ReadPacket on that goroutine. Any goroutine may write.
// While a key exchange we started is in progress, channel data writers
// (WriteData) block and control messages (WritePacket) are queued, so the
// reading goroutine never waits on itself (RFC 4253 §7.1).
package transport
