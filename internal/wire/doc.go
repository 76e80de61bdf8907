// Package wire holds the SSH data types of RFC 4251 §5 and the message
// numbers of RFC 4250 §4.1, with hand-written, bounds-checked encoders and
// decoders for each message family (one file a family).
//
// Decoding never panics: a Decoder records the first short read and every
// later read returns a zero value, so a caller checks Err once at the end.
// Encoding appends to a caller-owned slice so the packet path can reuse
// buffers.
package wire
