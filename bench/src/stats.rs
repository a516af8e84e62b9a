//! Order statistics of a run's samples.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median_ms: f64,
    pub p95_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
}

/// The value at quantile `q` by the nearest-rank method on sorted `xs`.
fn rank(sorted: &[f64], q: f64) -> f64 {
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

pub fn summarize(samples_ms: &[f64]) -> Option<Summary> {
    if samples_ms.is_empty() {
        return None;
    }
    let mut sorted = samples_ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    Some(Summary {
        n: sorted.len(),
        median_ms: median,
        p95_ms: rank(&sorted, 0.95),
        min_ms: sorted[0],
        max_ms: sorted[sorted.len() - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p95_by_nearest_rank() {
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        let s = summarize(&xs).unwrap();
        assert_eq!(s.median_ms, 10.5);
        assert_eq!(s.p95_ms, 19.0);
        assert_eq!((s.min_ms, s.max_ms), (1.0, 20.0));
        assert_eq!(summarize(&[3.0]).unwrap().p95_ms, 3.0);
        assert!(summarize(&[]).is_none());
    }
}
