import COpenSSL

/// What kind of name a client connects to: an IP address is checked against the certificate's
/// IP entries and never sent as SNI (RFC 6066); a host name is both sent and checked.
enum TLSServerName {
    /// An IPv4 or IPv6 address in text form, as OpenSSL parses them (a2i_IPADDRESS).
    static func isIPAddress(_ name: String) -> Bool {
        guard let octets = a2i_IPADDRESS(name) else {
            OpenSSLErrors.clear()
            return false
        }
        ASN1_OCTET_STRING_free(octets)
        return true
    }

    /// Letters, digits, hyphens, underscores and dots, 1 to 253 bytes (a DNS name, or an
    /// internal host's; no wildcard, no spaces or commas).
    static func isHostName(_ name: String) -> Bool {
        let bytes = name.utf8
        return (1...253).contains(bytes.count) && bytes.first != UInt8(ascii: ".")
            && bytes.allSatisfy { byte in
                (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            }
    }
}
