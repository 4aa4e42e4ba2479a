//! Agreement between two labelings: adjusted Rand index and normalised mutual information.
//! Used to measure clustering stability when choosing k, and to score themes against gold topics.

use std::collections::BTreeMap;

/// Joint counts and the two marginal counts of a contingency table.
type Contingency<A, B> = (BTreeMap<(A, B), f64>, BTreeMap<A, f64>, BTreeMap<B, f64>);

/// Contingency counts of two labelings of the same items (`None` counts as its own label).
fn contingency<A: Ord + Copy, B: Ord + Copy>(a: &[A], b: &[B]) -> Contingency<A, B> {
    let mut joint = BTreeMap::new();
    let mut ra = BTreeMap::new();
    let mut rb = BTreeMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *joint.entry((x, y)).or_insert(0.0) += 1.0;
        *ra.entry(x).or_insert(0.0) += 1.0;
        *rb.entry(y).or_insert(0.0) += 1.0;
    }
    (joint, ra, rb)
}

/// Adjusted Rand index: 1 for identical partitions, about 0 for independent ones.
pub fn adjusted_rand<A: Ord + Copy, B: Ord + Copy>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "labelings of different lengths");
    let n = a.len() as f64;
    if n < 2.0 {
        return 1.0;
    }
    let pairs = |x: f64| x * (x - 1.0) / 2.0;
    let (joint, ra, rb) = contingency(a, b);
    let index: f64 = joint.values().map(|&c| pairs(c)).sum();
    let sa: f64 = ra.values().map(|&c| pairs(c)).sum();
    let sb: f64 = rb.values().map(|&c| pairs(c)).sum();
    let expected = sa * sb / pairs(n);
    let max = (sa + sb) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Normalised mutual information (arithmetic-mean normalisation, as scikit-learn's default).
pub fn nmi<A: Ord + Copy, B: Ord + Copy>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "labelings of different lengths");
    let n = a.len() as f64;
    if n == 0.0 {
        return 1.0;
    }
    let (joint, ra, rb) = contingency(a, b);
    let entropy = |m: &dyn Fn() -> Vec<f64>| -> f64 {
        m().iter()
            .map(|&c| {
                let p = c / n;
                -p * p.ln()
            })
            .sum()
    };
    let ha = entropy(&|| ra.values().copied().collect());
    let hb = entropy(&|| rb.values().copied().collect());
    let mi: f64 = joint
        .iter()
        .map(|(&(x, y), &c)| {
            let p = c / n;
            p * (p / ((ra[&x] / n) * (rb[&y] / n))).ln()
        })
        .sum();
    let norm = (ha + hb) / 2.0;
    if norm <= 0.0 {
        return 1.0;
    }
    (mi / norm).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_names() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = [5, 5, 3, 3, 9, 9];
        assert!((adjusted_rand(&a, &b) - 1.0).abs() < 1e-12);
        assert!((nmi(&a, &b) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_values() {
        // scikit-learn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714
        let a = [0, 0, 1, 1];
        let b = [0, 0, 1, 2];
        assert!((adjusted_rand(&a, &b) - 0.571_428_571_4).abs() < 1e-9);
        // normalized_mutual_info_score([0,0,1,1],[0,0,1,2]) = 0.8
        assert!((nmi(&a, &b) - 0.8).abs() < 1e-9);
    }

    #[test]
    fn unrelated_partitions_score_near_zero() {
        let a: Vec<usize> = (0..1000).map(|i| i % 2).collect();
        let b: Vec<usize> = (0..1000).map(|i| (i / 2) % 2).collect();
        assert!(adjusted_rand(&a, &b).abs() < 0.01);
        assert!(nmi(&a, &b) < 0.01);
    }
}
