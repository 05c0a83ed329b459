package deref

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrRefusedAddress is returned when a connection would reach a loopback,
// private, link-local or other special-purpose address.
var ErrRefusedAddress = errors.New("deref: address refused")

// refusedV4 are the IPv4 ranges of the IANA special-purpose registry (and
// multicast) that no federating server lives at.
var refusedV4 = prefixes(
	"0.0.0.0/8",       // "this network", including the unspecified address
	"10.0.0.0/8",      // private (RFC 1918)
	"100.64.0.0/10",   // carrier-grade NAT (RFC 6598)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, including cloud metadata at 169.254.169.254
	"172.16.0.0/12",   // private (RFC 1918)
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation (TEST-NET-1)
	"192.88.99.0/24",  // 6to4 relay anycast (deprecated)
	"192.168.0.0/16",  // private (RFC 1918)
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation (TEST-NET-2)
	"203.0.113.0/24",  // documentation (TEST-NET-3)
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, including broadcast 255.255.255.255
)

// globalV6 is the only IPv6 block allocated for global unicast; every
// address outside it (loopback, unspecified, ULA fc00::/7, link-local,
// multicast, IPv4-compatible, NAT64 64:ff9b::/96, discard 100::/64) is refused.
var globalV6 = netip.MustParsePrefix("2000::/3")

// refusedV6 are the special-purpose ranges inside 2000::/3.
var refusedV6 = prefixes(
	"2001::/23",     // IETF protocol assignments: Teredo, benchmarking, ORCHID
	"2001:db8::/32", // documentation
	"2002::/16",     // 6to4, which embeds an IPv4 address of any kind
	"3fff::/20",     // documentation (RFC 9637)
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// checkAddress refuses every address a federating server cannot
// legitimately have. IPv4-mapped IPv6 addresses are judged as IPv4.
func checkAddress(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrRefusedAddress)
	}
	ip = ip.Unmap()
	if ip.Is4() {
		for _, p := range refusedV4 {
			if p.Contains(ip) {
				return fmt.Errorf("%w: %s is in %s", ErrRefusedAddress, ip, p)
			}
		}
		return nil
	}
	if !globalV6.Contains(ip) {
		return fmt.Errorf("%w: %s is not global unicast", ErrRefusedAddress, ip)
	}
	for _, p := range refusedV6 {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is in %s", ErrRefusedAddress, ip, p)
		}
	}
	return nil
}

// checkDial is the net.Dialer Control check: it runs after name
// resolution, on the address about to be connected to, so a name that
// resolves to a refused address (or is rebound to one) is caught.
func checkDial(network, address string) error {
	switch network {
	case "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %s", ErrRefusedAddress, network)
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRefusedAddress, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRefusedAddress, err)
	}
	return checkAddress(ip)
}

// dialControl adapts checkDial to net.Dialer.Control.
func dialControl(network, address string, _ syscall.RawConn) error {
	return checkDial(network, address)
}
