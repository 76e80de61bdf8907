package wire

import (
	"encoding/binary"
	"math/big"
	"strings"
)

// AppendByte appends one byte.
func AppendByte(b []byte, v byte) []byte { return append(b, v) }

// AppendBool appends a boolean.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendUint32 appends a big-endian uint32.
func AppendUint32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// AppendUint64 appends a big-endian uint64.
func AppendUint64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

// AppendString appends a length-prefixed byte string.
func AppendString(b, s []byte) []byte {
	b = AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// AppendText appends a length-prefixed string.
func AppendText(b []byte, s string) []byte {
	b = AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// AppendNameList appends a comma-separated name-list.
func AppendNameList(b []byte, names []string) []byte {
	return AppendText(b, strings.Join(names, ","))
}

// AppendMpintUnsigned appends the unsigned big-endian integer u as an mpint:
// leading zeros are stripped and a zero byte is added when the top bit is set.
func AppendMpintUnsigned(b, u []byte) []byte {
	for len(u) > 0 && u[0] == 0 {
		u = u[1:]
	}
	if len(u) > 0 && u[0]&0x80 != 0 {
		b = AppendUint32(b, uint32(len(u)+1))
		b = append(b, 0)
		return append(b, u...)
	}
	return AppendString(b, u)
}

// AppendMpint appends a non-negative big.Int as an mpint.
func AppendMpint(b []byte, v *big.Int) []byte {
	return AppendMpintUnsigned(b, v.Bytes())
}
