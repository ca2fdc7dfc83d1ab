//! Client-side request rates: one GCRA bucket ([`governor`]) per service
//! and region, shared by every call the run makes there, so a scan never
//! eats the API quota the account's own workloads live on. Each service's
//! default is in its registry entry (`services.rs`), well below what AWS
//! publishes (EC2: 20 requests per second and a bucket of 100 per
//! non-mutating API and region; Route 53: 5 per second for the account;
//! Lambda's control plane: 15; CloudTrail LookupEvents: 2 per region).
//! `--rate-limit SERVICE=N[/BURST]` changes one, `--rate-limit off` turns
//! them off.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use governor::{DefaultDirectRateLimiter, Quota};

/// Requests per second, and how many may go at once after a pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl Rate {
    pub(crate) const fn of(per_second: u32, burst: u32) -> Rate {
        match (NonZeroU32::new(per_second), NonZeroU32::new(burst)) {
            (Some(per_second), Some(burst)) => Rate { per_second, burst },
            _ => panic!("rates are positive"),
        }
    }
}

/// LookupEvents' rate (the `cloudtrail-events` bucket, per region): AWS
/// allows 2 requests per second. Every service of the registry has its
/// own default there (`services.rs`).
pub const EVENTS_RATE: Rate = Rate::of(2, 2);

/// The defaults, by coverage service name: the registry's, and
/// LookupEvents'.
fn defaults() -> BTreeMap<String, Rate> {
    super::services::SERVICES
        .iter()
        .map(|s| (s.name.to_string(), s.rate))
        .chain([(super::cloudtrail::EVENTS.to_string(), EVENTS_RATE)])
        .collect()
}

/// The rate of a name no service has (a test's, say).
pub const OTHER: Rate = Rate::of(10, 20);

/// Why a `--rate-limit` value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RateError {
    #[error("--rate-limit {0:?}: expected SERVICE=N or SERVICE=N/BURST (requests per second, positive), or off")]
    Malformed(String),
}

/// The run's rates and their buckets.
pub struct RateLimits {
    /// `None`: no client-side limit at all.
    rates: Option<BTreeMap<String, Rate>>,
    buckets: Mutex<HashMap<String, Arc<DefaultDirectRateLimiter>>>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("rates", &self.rates)
            .finish()
    }
}

impl Clone for RateLimits {
    fn clone(&self) -> Self {
        RateLimits {
            rates: self.rates.clone(),
            buckets: Mutex::default(),
        }
    }
}

impl RateLimits {
    /// The defaults with `--rate-limit` values applied in order.
    pub fn parse(values: &[String]) -> Result<RateLimits, RateError> {
        let mut rates: Option<BTreeMap<String, Rate>> = Some(defaults());
        for v in values {
            if v == "off" {
                rates = None;
                continue;
            }
            let (service, rate) = parse_one(v)?;
            if let Some(r) = rates.as_mut() {
                r.insert(service, rate);
            }
        }
        Ok(RateLimits {
            rates,
            buckets: Mutex::default(),
        })
    }

    /// No client-side limits (benchmarks of the scheduling alone).
    pub fn off() -> RateLimits {
        RateLimits {
            rates: None,
            buckets: Mutex::default(),
        }
    }

    /// The rate `service` gets; `None` when limits are off.
    pub fn rate(&self, service: &str) -> Option<Rate> {
        let rates = self.rates.as_ref()?;
        Some(rates.get(service).copied().unwrap_or(OTHER))
    }

    /// The bucket of `service` in `region`, made on first use.
    pub(crate) fn bucket(
        &self,
        service: &str,
        region: &str,
    ) -> Option<Arc<DefaultDirectRateLimiter>> {
        let rate = self.rate(service)?;
        let mut buckets = self.buckets.lock().expect("rate buckets lock");
        let b = buckets
            .entry(format!("{service}/{region}"))
            .or_insert_with(|| {
                Arc::new(governor::RateLimiter::direct(
                    Quota::per_second(rate.per_second).allow_burst(rate.burst),
                ))
            });
        Some(b.clone())
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::parse(&[]).expect("defaults parse")
    }
}

fn parse_one(v: &str) -> Result<(String, Rate), RateError> {
    let bad = || RateError::Malformed(v.to_string());
    let (service, rate) = v.split_once('=').ok_or_else(bad)?;
    let (n, burst) = match rate.split_once('/') {
        Some((n, b)) => (n, Some(b)),
        None => (rate, None),
    };
    let n: NonZeroU32 = n.trim().parse().map_err(|_| bad())?;
    let burst: NonZeroU32 = match burst {
        Some(b) => b.trim().parse().map_err(|_| bad())?,
        None => n.saturating_mul(NonZeroU32::new(2).expect("2")),
    };
    let service = service.trim();
    if service.is_empty()
        || !service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
    {
        return Err(bad());
    }
    Ok((
        service.to_string(),
        Rate {
            per_second: n,
            burst,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_and_values_override_them_in_order() {
        let l = RateLimits::parse(&[]).unwrap();
        assert_eq!(l.rate("ec2"), Some(Rate::of(10, 50)));
        assert_eq!(l.rate("guardduty"), Some(OTHER));
        let l = RateLimits::parse(&["ec2=40".into(), "route53=1/1".into()]).unwrap();
        assert_eq!(l.rate("ec2"), Some(Rate::of(40, 80)));
        assert_eq!(l.rate("route53"), Some(Rate::of(1, 1)));
        let off = RateLimits::parse(&["ec2=40".into(), "off".into()]).unwrap();
        assert_eq!(off.rate("ec2"), None);
        assert!(off.bucket("ec2", "us-east-1").is_none());
        for bad in ["ec2", "ec2=0", "ec2=-1", "ec2=x", "=4", "EC2=4", "ec2=4/0"] {
            assert_eq!(
                RateLimits::parse(&[bad.into()]).unwrap_err(),
                RateError::Malformed(bad.into()),
                "{bad}"
            );
        }
    }

    /// One bucket per service and region: a burst spends it, the next
    /// call waits; another region's bucket is untouched.
    #[test]
    fn each_service_and_region_has_its_own_bucket() {
        let l = RateLimits::parse(&["ec2=1/2".into()]).unwrap();
        let east = l.bucket("ec2", "us-east-1").unwrap();
        assert!(east.check().is_ok() && east.check().is_ok());
        assert!(east.check().is_err(), "the burst of 2 is spent");
        assert!(
            l.bucket("ec2", "us-east-1").unwrap().check().is_err(),
            "the same bucket"
        );
        assert!(l.bucket("ec2", "eu-west-1").unwrap().check().is_ok());
        assert!(l.bucket("iam", "global").unwrap().check().is_ok());
    }
}
