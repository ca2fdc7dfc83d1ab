//! Addresses as checks read them: private and public IPs, whether a CIDR
//! holds an address, DNS names as compared, prefix lengths in range.

use std::net::IpAddr;

/// True for addresses that are not meant to be reachable from the internet:
/// RFC 1918, RFC 4193 (fc00::/7), link-local, loopback, CGNAT, unspecified.
pub fn is_private_ip(s: &str) -> bool {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v)) => {
            let o = v.octets();
            v.is_private()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_unspecified()
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        Ok(IpAddr::V6(v)) => {
            let seg = v.segments()[0];
            v.is_loopback()
                || v.is_unspecified()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// Globally routable unicast (what an A/AAAA record to the internet holds).
pub fn is_public_ip(s: &str) -> bool {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v)) => {
            !is_private_ip(s)
                && !v.is_multicast()
                && !v.is_broadcast()
                && !v.is_documentation()
                && v.octets()[0] < 240
        }
        Ok(IpAddr::V6(v)) => !is_private_ip(s) && !v.is_multicast(),
        Err(_) => false,
    }
}

pub(super) fn clamp_prefix(p: i64) -> u8 {
    u8::try_from(p.clamp(0, 128)).unwrap_or(128)
}

/// A DNS name as compared: lowercase, without the trailing dot.
pub fn dns_name(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

pub(super) fn cidr_contains(cidr: &str, ip: &str) -> bool {
    match (
        cidr.trim().parse::<ipnet::IpNet>(),
        ip.trim().parse::<IpAddr>(),
    ) {
        (Ok(n), Ok(a)) => n.contains(&a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_classes() {
        for p in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "fd00::1",
            "fe80::1",
            "100.64.0.1",
        ] {
            assert!(is_private_ip(p), "{p}");
            assert!(!is_public_ip(p), "{p}");
        }
        for p in ["54.1.2.3", "2600:1f18::1"] {
            assert!(is_public_ip(p), "{p}");
            assert!(!is_private_ip(p), "{p}");
        }
        assert!(!is_public_ip("not-an-ip"));
        assert!(cidr_contains("10.0.0.0/8", "10.9.9.9"));
        assert!(!cidr_contains("10.0.0.0/8", "11.0.0.1"));
    }
}
