// Package sshcli is the connection setup shared by the OpenSSH-compatible
// commands (cmd/ssh2, cmd/ssh2-sftp): option handling from the command
// line and ssh_config files (Resolve), authentication methods, host key
// checking against known_hosts, algorithm lists, and dialing (Connect).
package sshcli
