package wire

// Message numbers, RFC 4250 §4.1 and RFC 4256, RFC 8308, RFC 4419.
const (
	MsgDisconnect     = 1
	MsgIgnore         = 2
	MsgUnimplemented  = 3
	MsgDebug          = 4
	MsgServiceRequest = 5
	MsgServiceAccept  = 6
	MsgExtInfo        = 7 // RFC 8308 §2.3
	MsgNewCompress    = 8 // draft-miller-secsh-compression-delayed

	MsgKexInit = 20
	MsgNewKeys = 21

	// Key-exchange-method specific numbers (30–49). DH, ECDH and the
	// hybrid post-quantum methods share 30/31; group exchange uses 30–34.
	MsgKexDHInit     = 30
	MsgKexDHReply    = 31
	MsgKexECDHInit   = 30
	MsgKexECDHReply  = 31
	MsgKexDHGexOld   = 30 // SSH_MSG_KEX_DH_GEX_REQUEST_OLD, RFC 4419 §5
	MsgKexDHGexGroup = 31
	MsgKexDHGexInit  = 32
	MsgKexDHGexReply = 33
	MsgKexDHGexReq   = 34

	MsgUserAuthRequest = 50
	MsgUserAuthFailure = 51
	MsgUserAuthSuccess = 52
	MsgUserAuthBanner  = 53
	// 60–79 are method specific.
	MsgUserAuthPKOK            = 60 // publickey
	MsgUserAuthPasswdChangeReq = 60 // password
	MsgUserAuthInfoRequest     = 60 // keyboard-interactive, RFC 4256 §3.2
	MsgUserAuthInfoResponse    = 61 // keyboard-interactive, RFC 4256 §3.4

	MsgGlobalRequest  = 80
	MsgRequestSuccess = 81
	MsgRequestFailure = 82

	MsgChannelOpen         = 90
	MsgChannelOpenConfirm  = 91
	MsgChannelOpenFailure  = 92
	MsgChannelWindowAdjust = 93
	MsgChannelData         = 94
	MsgChannelExtendedData = 95
	MsgChannelEOF          = 96
	MsgChannelClose        = 97
	MsgChannelRequest      = 98
	MsgChannelSuccess      = 99
	MsgChannelFailure      = 100

	// OpenSSH transport extensions (PROTOCOL §1.9).
	MsgPing = 192
	MsgPong = 193
)

// Disconnect reason codes, RFC 4250 §4.2.2.
const (
	DisconnectHostNotAllowedToConnect    = 1
	DisconnectProtocolError              = 2
	DisconnectKeyExchangeFailed          = 3
	DisconnectReserved                   = 4
	DisconnectMACError                   = 5
	DisconnectCompressionError           = 6
	DisconnectServiceNotAvailable        = 7
	DisconnectProtocolVersionUnsupported = 8
	DisconnectHostKeyNotVerifiable       = 9
	DisconnectConnectionLost             = 10
	DisconnectByApplication              = 11
	DisconnectTooManyConnections         = 12
	DisconnectAuthCancelledByUser        = 13
	DisconnectNoMoreAuthMethodsAvailable = 14
	DisconnectIllegalUserName            = 15
)

// Channel open failure reason codes, RFC 4250 §4.3.
const (
	OpenAdministrativelyProhibited = 1
	OpenConnectFailed              = 2
	OpenUnknownChannelType         = 3
	OpenResourceShortage           = 4
)

// Extended data type codes, RFC 4250 §4.4.
const ExtendedDataStderr = 1
