//! The Poseidon2 round gate: every round of the width-3 permutation in one custom gate, three
//! rows per full round and one per partial round (generic gates take about twelve and four).
//!
//! A round row holds `[a, b, c, u]`; its fixed columns hold the round constant `rc` (non-zero,
//! which selects the gate) and the row's [`RoundKind`] `k`. With `x = a + rc`, the gate demands
//! `u = x⁴`, so that `y = u·x = x⁵` is the S-box, and fixes the next row's first three cells:
//!
//! | kind | next row (`Σ = y + b + c`) |
//! |---|---|
//! | partial (`k = 0`) | `(y + Σ, b + Σ, 2c + Σ)`: the internal layer `1 + diag(1, 1, 2)` |
//! | rotate (`k = 1`) | `(b, c, y)` |
//! | mix (`k = 2`) | `(b + Σ, c + Σ, y + Σ)`: the external layer `circ(2, 1, 1)` |
//!
//! A full round on `(s0, s1, s2)` is two rotate rows and a mix row:
//! `[s0, s1, s2] → [s1, s2, y0] → [s2, y0, y1] → M_E·(y0, y1, y2)`, the state back in order.
//! The three transitions are interpolated in `k` (Lagrange, degree 2), so every constraint has
//! degree 5: `rc·ℓ(k)·u·x`, and `rc·(u − x⁴)`. The range lookup already gives the circuit degree
//! 5, so the gate costs no larger quotient; keeping `x⁴` (not `x²`) in the cell is what keeps
//! the transitions at degree 5.
//!
//! [`constraints`] is written once over any ring-like type: the halo2 circuit instantiates it with
//! expressions, [`crate::first_failing_row`] with field elements.

use std::ops::{Add, Mul, Sub};

use ark_bn254::Fr;
use ark_ff::{Field, Zero};

/// What a round row does after its S-box (the fixed column `k`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundKind {
    /// A partial round: S-box on the first element, then the internal layer.
    Partial = 0,
    /// One S-box of a full round; the state rotates by one.
    Rotate = 1,
    /// The last S-box of a full round, then the external layer.
    Mix = 2,
}

impl RoundKind {
    /// The kind's value in the fixed column.
    pub fn coeff(self) -> Fr {
        Fr::from(self as u64)
    }

    /// The kinds of a full round's three rows.
    pub const FULL: [Self; 3] = [Self::Rotate, Self::Rotate, Self::Mix];

    /// The kind whose fixed-column value is `k`.
    pub fn from_coeff(k: Fr) -> Option<Self> {
        [Self::Partial, Self::Rotate, Self::Mix].into_iter().find(|kind| kind.coeff() == k)
    }
}

/// The gate's four constraints (all zero on a satisfied row, and on every row with `rc = 0`):
/// `u = x⁴`, then the next row's three cells. `small(n)` lifts a small integer, `half` is `1/2`.
pub fn constraints<T>(rc: T, kind: T, cur: [T; 4], next: [T; 3], small: impl Fn(u64) -> T, half: T) -> [T; 4]
where
    T: Clone + Add<Output = T> + Sub<Output = T> + Mul<Output = T>,
{
    let [a, b, c, u] = cur;
    let x = a + rc.clone();
    let x2 = x.clone() * x.clone();
    let y = u.clone() * x;
    let sum = y.clone() + b.clone() + c.clone();
    let partial = [y.clone() + sum.clone(), b.clone() + sum.clone(), c.clone() + c.clone() + sum.clone()];
    let rotate = [b.clone(), c.clone(), y.clone()];
    let mix = [b + sum.clone(), c + sum.clone(), y + sum];
    // Lagrange basis on k ∈ {0, 1, 2}.
    let km1 = kind.clone() - small(1);
    let km2 = kind.clone() - small(2);
    let l0 = km1.clone() * km2.clone() * half.clone();
    let l1 = kind.clone() * (small(0) - km2);
    let l2 = kind * km1 * half;
    let [n0, n1, n2] = next;
    let moved = |n: T, i: usize| {
        let expected = l0.clone() * partial[i].clone() + l1.clone() * rotate[i].clone() + l2.clone() * mix[i].clone();
        rc.clone() * (n - expected)
    };
    [rc.clone() * (u - x2.clone() * x2), moved(n0, 0), moved(n1, 1), moved(n2, 2)]
}

/// A round row's `u = (a + rc)⁴` and the next row's cells, on plain values.
pub fn round_values(kind: RoundKind, s: [Fr; 3], rc: Fr) -> (Fr, [Fr; 3]) {
    let x = s[0] + rc;
    let x2 = x * x;
    let u = x2 * x2;
    (u, next_cells(kind, s, rc, u))
}

/// The next row's cells that the gate demands of a row `[s, u]`, whatever `u` is (the gate's
/// other constraint, `u = (s0 + rc)⁴`, aside).
pub fn next_cells(kind: RoundKind, s: [Fr; 3], rc: Fr, u: Fr) -> [Fr; 3] {
    let [a, b, c] = s;
    let y = u * (a + rc);
    let sum = y + b + c;
    match kind {
        RoundKind::Partial => [y + sum, b + sum, c + c + sum],
        RoundKind::Rotate => [b, c, y],
        RoundKind::Mix => [b + sum, c + sum, y + sum],
    }
}

/// Whether a row with round constant `rc ≠ 0` and kind `kind` satisfies the gate.
pub fn row_holds(rc: Fr, kind: Fr, cur: [Fr; 4], next: [Fr; 3]) -> bool {
    let half = Fr::from(2u64).inverse().unwrap_or_default();
    constraints(rc, kind, cur, next, Fr::from, half).iter().all(Zero::is_zero)
}
