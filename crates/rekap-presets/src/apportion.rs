//! Splitting a total into integer parts in proportion to weights, within bounds, by the
//! largest-remainder method. Deterministic: ties go to the lower index.

/// The bounds cannot hold the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Infeasible {
    pub total: u64,
    pub least: u128,
    pub most: u128,
}

/// Splits `total` into `weights.len()` parts, part `i` within `lower[i]..=upper[i]`, the
/// amount above the lower bounds in proportion to the weights (equal shares where all weights
/// are zero). A part that would pass its upper bound is held there and the excess is spread
/// over the others, again in proportion.
pub fn apportion(
    total: u64,
    weights: &[u64],
    lower: &[u64],
    upper: &[u64],
) -> Result<Vec<u64>, Infeasible> {
    let count = weights.len();
    let least: u128 = lower.iter().map(|&l| u128::from(l)).sum();
    let most: u128 = upper.iter().map(|&u| u128::from(u)).sum();
    let bounds_ordered = lower.len() == count
        && upper.len() == count
        && lower.iter().zip(upper).all(|(l, u)| l <= u);
    if !bounds_ordered || u128::from(total) < least || u128::from(total) > most {
        return Err(Infeasible { total, least, most });
    }
    let mut parts = lower.to_vec();
    let mut remaining = total - least as u64;
    let mut active: Vec<usize> = (0..count).filter(|&i| lower[i] < upper[i]).collect();
    while remaining > 0 && !active.is_empty() {
        let weight_sum: u128 = active.iter().map(|&i| u128::from(weights[i])).sum();
        let weight = |i: usize| {
            if weight_sum == 0 {
                1
            } else {
                u128::from(weights[i])
            }
        };
        let denominator = if weight_sum == 0 {
            active.len() as u128
        } else {
            weight_sum
        };
        let mut shares: Vec<(usize, u64, u128)> = active
            .iter()
            .map(|&i| {
                let quota = u128::from(remaining) * weight(i);
                (i, (quota / denominator) as u64, quota % denominator)
            })
            .collect();
        let given: u64 = shares.iter().map(|s| s.1).sum();
        let left = remaining - given;
        let mut order: Vec<usize> = (0..shares.len()).collect();
        order.sort_by(|&a, &b| shares[b].2.cmp(&shares[a].2).then(a.cmp(&b)));
        for &k in order.iter().take(left as usize) {
            shares[k].1 += 1;
        }
        let mut excess = 0u64;
        let mut still_active = Vec::with_capacity(active.len());
        for (i, add, _) in shares {
            let room = upper[i] - parts[i];
            if add >= room {
                parts[i] = upper[i];
                excess += add - room;
            } else {
                parts[i] += add;
                still_active.push(i);
            }
        }
        remaining = excess;
        active = still_active;
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_with_largest_remainder() {
        let parts = apportion(10, &[1, 1, 1], &[0; 3], &[u64::MAX; 3]).unwrap();
        assert_eq!(parts, vec![4, 3, 3]);
        let parts = apportion(100, &[50, 30, 20], &[0; 3], &[u64::MAX; 3]).unwrap();
        assert_eq!(parts, vec![50, 30, 20]);
    }

    #[test]
    fn respects_bounds_and_spreads_the_excess() {
        let parts = apportion(30, &[10, 1, 1], &[0, 5, 0], &[12, 100, 100]).unwrap();
        assert_eq!(parts.iter().sum::<u64>(), 30);
        assert_eq!(parts[0], 12);
        assert!(parts[1] >= 5);
        assert!(apportion(30, &[1, 1], &[0, 0], &[10, 10]).is_err());
        assert!(apportion(3, &[1, 1], &[2, 2], &[10, 10]).is_err());
    }

    #[test]
    fn zero_weights_share_equally() {
        assert_eq!(apportion(4, &[0, 0], &[0; 2], &[9; 2]).unwrap(), vec![2, 2]);
    }
}
