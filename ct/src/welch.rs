//! Welch's t-test over the timings of two classes of inputs, as dudect does it
//! (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", DATE 2017):
//! the classes are interleaved at random, and besides all timings the test is
//! repeated on the timings below several percentiles, which drops the long tail
//! that interrupts and other processes add. |t| above 4.5 says that the classes
//! are told apart.

/// The largest |t| that still passes.
pub const THRESHOLD: f64 = 4.5;

/// Percentiles at which the timings are cropped (1.0: all of them).
const CROPS: [f64; 6] = [1.0, 0.99, 0.95, 0.90, 0.75, 0.50];

/// Welch's t of two samples.
pub fn t(a: &[f64], b: &[f64]) -> f64 {
    let (mean_a, var_a) = mean_variance(a);
    let (mean_b, var_b) = mean_variance(b);
    let se = (var_a / a.len() as f64 + var_b / b.len() as f64).sqrt();
    if se == 0.0 {
        0.0
    } else {
        (mean_a - mean_b) / se
    }
}

fn mean_variance(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The t of the timings (nanoseconds, each with its class), all of them and cropped
/// at each percentile of [`CROPS`]; the largest |t| is the verdict. A crop that leaves
/// a class fewer than two timings is left out (a leak that strong shows at the others).
pub fn cropped_t(timings: &[(bool, u64)]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<u64> = timings.iter().map(|&(_, ns)| ns).collect();
    sorted.sort_unstable();
    CROPS
        .iter()
        .filter_map(|&crop| {
            let index = ((sorted.len() as f64 * crop) as usize).clamp(1, sorted.len()) - 1;
            let bound = sorted[index];
            let class = |fixed: bool| -> Vec<f64> {
                timings
                    .iter()
                    .filter(|&&(c, ns)| c == fixed && ns <= bound)
                    .map(|&(_, ns)| ns as f64)
                    .collect()
            };
            let (fixed, random) = (class(true), class(false));
            (fixed.len() > 1 && random.len() > 1).then(|| (crop, t(&fixed, &random)))
        })
        .collect()
}

/// The largest |t| among [`cropped_t`]'s.
pub fn max_abs_t(ts: &[(f64, f64)]) -> f64 {
    ts.iter().map(|&(_, t)| t.abs()).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_t_known_value() {
        // Means 2 and 5, variances 2.5 and 2.5, n = 5 each: t = -3 / sqrt(1).
        let a = [0.0, 1.0, 2.0, 3.0, 4.0];
        let b = [3.0, 4.0, 5.0, 6.0, 7.0];
        assert!((t(&a, &b) + 3.0).abs() < 1e-12);
        assert_eq!(t(&[1.0, 1.0], &[1.0, 1.0]), 0.0);
    }

    #[test]
    fn crops_leaving_a_class_empty_are_left_out() {
        let timings: Vec<(bool, u64)> = (0..100u64)
            .map(|i| (i < 50, 100 + 1000 * (i % 2)))
            .collect();
        assert!(cropped_t(&timings).iter().all(|(_, t)| t.is_finite()));
        let split: Vec<(bool, u64)> = (0..100u64)
            .map(|i| (i < 50, if i < 50 { 1 } else { 9 }))
            .collect();
        assert_eq!(
            cropped_t(&split).len(),
            5,
            "the median crop keeps one class"
        );
    }

    #[test]
    fn crops_keep_the_fast_timings() {
        let timings: Vec<(bool, u64)> = (0..1000u64)
            .map(|i| (i % 2 == 0, 100 + (i % 7) + if i % 2 == 0 { 50 } else { 0 }))
            .collect();
        let ts = cropped_t(&timings);
        assert_eq!(
            ts.len(),
            CROPS.len() - 1,
            "below the median: only the fast class"
        );
        assert!(max_abs_t(&ts) > THRESHOLD);
    }
}
