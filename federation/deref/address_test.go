package deref

import (
	"errors"
	"net/netip"
	"testing"
)

func TestCheckAddress(t *testing.T) {
	tests := []struct {
		addr    string
		allowed bool
	}{
		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"::1", false},
		{"10.0.0.1", false},
		{"10.255.255.255", false},
		{"172.16.0.1", false},
		{"172.31.255.254", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // CGNAT
		{"100.127.255.254", false},
		{"fd00::1", false},          // ULA
		{"fc00::1", false},          // ULA
		{"fe80::1", false},          // link-local
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.1.2.3", false},  // IPv4-mapped private
		{"::ffff:169.254.169.254", false},
		{"::", false},                  // unspecified
		{"0.0.0.0", false},             // unspecified
		{"0.1.2.3", false},             // "this network"
		{"255.255.255.255", false},     // broadcast
		{"224.0.0.1", false},           // multicast
		{"239.255.255.250", false},     // multicast (SSDP)
		{"ff02::1", false},             // multicast
		{"192.0.2.10", false},          // TEST-NET-1
		{"198.51.100.7", false},        // TEST-NET-2
		{"203.0.113.9", false},         // TEST-NET-3
		{"2001:db8::1", false},         // documentation
		{"198.18.0.1", false},          // benchmarking
		{"192.0.0.8", false},           // IETF protocol assignments
		{"240.0.0.1", false},           // reserved
		{"64:ff9b::a00:1", false},      // NAT64 of 10.0.0.1
		{"2002:a00:1::1", false},       // 6to4 of 10.0.0.1
		{"2001:0:a00:1::1", false},     // Teredo
		{"::127.0.0.1", false},         // IPv4-compatible (deprecated)
		{"fec0::1", false},             // site-local (deprecated)
		{"8.8.8.8", true},              // public IPv4
		{"93.184.216.34", true},        // public IPv4
		{"172.32.0.1", true},           // just outside 172.16/12
		{"100.128.0.1", true},          // just outside 100.64/10
		{"11.0.0.1", true},             // just outside 10/8
		{"2606:4700:4700::1111", true}, // public IPv6
		{"2a00:1450:4001:80b::200e", true},
		{"::ffff:8.8.8.8", true}, // IPv4-mapped public
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkAddress(netip.MustParseAddr(tt.addr))
			if tt.allowed && err != nil {
				t.Fatalf("refused a public address: %v", err)
			}
			if !tt.allowed && !errors.Is(err, ErrRefusedAddress) {
				t.Fatalf("allowed a special-purpose address (err %v)", err)
			}
		})
	}
}

func TestCheckDial(t *testing.T) {
	tests := []struct {
		network, address string
		allowed          bool
	}{
		{"tcp4", "8.8.8.8:443", true},
		{"tcp6", "[2606:4700:4700::1111]:443", true},
		{"tcp4", "127.0.0.1:443", false},
		{"tcp6", "[::1]:443", false},
		{"tcp6", "[fe80::1%eth0]:443", false},
		{"udp4", "8.8.8.8:53", false},
		{"unix", "/run/x.sock", false},
		{"tcp4", "not-an-ip:443", false},
		{"tcp4", "8.8.8.8", false},
	}
	for _, tt := range tests {
		err := checkDial(tt.network, tt.address)
		if tt.allowed != (err == nil) {
			t.Errorf("checkDial(%s, %s) = %v, want allowed=%v", tt.network, tt.address, err, tt.allowed)
		}
		if err != nil && !errors.Is(err, ErrRefusedAddress) {
			t.Errorf("checkDial(%s, %s) error %v is not ErrRefusedAddress", tt.network, tt.address, err)
		}
	}
}
