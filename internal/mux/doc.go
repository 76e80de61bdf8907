// Package mux implements the SSH connection protocol (RFC 4254 §4–§5):
// channels with flow control, channel requests and global requests, over
// a packet connection provided by the transport.
//
// # Threading model
//
// The mux starts no goroutines. Work happens on two kinds of goroutine:
//
//   - The connection's single reader goroutine, owned by the caller, reads
//     each packet and passes messages 80–100 to HandlePacket, one at a
//     time, in order. HandlePacket never waits for the application: data is
//     copied into the channel's buffer, waiters are woken through
//     one-token channels, and the callbacks Config.OnChannelOpen,
//     Config.OnGlobalRequest and ChannelConfig.OnRequest run right there,
//     so they must not block either (answer later from another goroutine
//     if the answer takes time). HandlePacket sends a few control messages
//     itself: OPEN_FAILURE for opens over the limits, FAILURE for requests
//     nobody handles, our CLOSE in answer to the peer's, replies that
//     became sendable, WINDOW_ADJUST for discarded extended data. The
//     transport must therefore not block WritePacket calls made from its
//     reader goroutine until a key exchange ends (it should queue them),
//     or the connection would deadlock.
//   - Application goroutines call OpenChannel, SendRequest, Accept,
//     Reject, Reply and the Channel methods. They write through
//     PacketWriter.WritePacket directly (so encryption runs on the writer's
//     goroutine) and block only on their own conditions: window, replies,
//     deadlines, contexts. No lock that HandlePacket takes is ever held
//     across WritePacket, so a writer blocked in the transport cannot stall
//     the reader.
//
// Close(err) is called by whoever sees the connection die; it wakes every
// waiter with err.
//
// # Flow control and memory
//
// Each channel buffers at most the window it granted (default 2 MiB) in
// pooled 32 KiB chunks that are allocated on arrival and returned when
// read, so an idle channel holds a few hundred bytes. WINDOW_ADJUST is sent
// once the application has consumed half the window. Data beyond the
// window or the maximum packet is a *ProtocolError. Writes never exceed
// the peer's window or maximum packet. Steady-state transfer allocates
// nothing per packet in either direction.
//
// # Ordering
//
// Replies to want-reply requests, ours and the peer's, carry no id; they
// are matched in order (RFC 4254 §4, §5.4). The mux sends our replies in
// arrival order even when the application answers out of order, and treats
// an unsolicited reply from the peer as a protocol error.
package mux
