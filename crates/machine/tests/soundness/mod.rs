//! Checks shared by the ALU chips' tests: the degree rules, checked symbolically; whether every
//! byte-table lookup a trace makes names an entry the byte table really has (whatever
//! multiplicities a malicious prover would give the table); what honest and padding rows send.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn_machine::debug::{check_chip, DebugBuilder, Interactions};
use cairn_machine::ByteOp;
use p3_air::symbolic::AirLayout;
use p3_air::{Air, BaseAir};
use p3_baby_bear::BabyBear;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionSymbolicBuilder;
use p3_matrix::dense::RowMajorMatrix;

/// Maximum degree of a constraint (a `when` filter counts).
pub const MAX_CONSTRAINT_DEGREE: usize = 3;
/// Maximum degree of a bus message field or count.
pub const MAX_INTERACTION_DEGREE: usize = 2;

/// Asserts the degree rules for `air`; returns its maximum constraint degree.
pub fn assert_degrees<A>(air: &A) -> usize
where
    A: BaseAir<BabyBear> + Air<InteractionSymbolicBuilder<BabyBear>>,
{
    let builder = InteractionSymbolicBuilder::<BabyBear>::from_air(air, AirLayout::from_air(air));
    let degree = builder.base_constraints().iter().map(|c| c.degree_multiple()).max().unwrap_or(0);
    assert!(degree <= MAX_CONSTRAINT_DEGREE, "a constraint has degree {degree}");
    for interaction in builder.global_interactions() {
        let fields = interaction.fields.iter().map(|f| f.degree_multiple()).max().unwrap_or(0);
        assert!(fields <= MAX_INTERACTION_DEGREE, "a `{}` message field has degree {fields}", interaction.bus_name);
        let count = interaction.count.degree_multiple();
        assert!(count <= MAX_INTERACTION_DEGREE, "a `{}` count has degree {count}", interaction.bus_name);
    }
    degree
}

/// Whether `(op, x, y, z)` is an entry of the byte table.
fn in_byte_table(message: &[u32]) -> bool {
    let &[op, x, y, z] = message else { return false };
    let Some(op) = ByteOp::ALL.into_iter().find(|o| *o as u32 == op) else { return false };
    match op {
        ByteOp::U16 => x < 1 << 16 && y == 0 && z == 0,
        _ => x < 256 && y < 256 && z == u32::from(op.eval(x as u8, y as u8)),
    }
}

/// Whether every byte-bus message in `interactions` is an entry of the byte table.
pub fn byte_lookups_in_table(interactions: &Interactions) -> bool {
    interactions.iter().filter(|(bus, _, _)| bus == "byte").all(|(_, message, _)| in_byte_table(message))
}

/// Asserts what an ALU chip's honest trace of `events` rows sends: one ALU receive (count -1) per
/// event, `byte_lookups` byte-table lookups per event, and only entries the table has.
pub fn assert_alu_interactions(interactions: &Interactions, events: usize, byte_lookups: usize) {
    let on = |name: &str| interactions.iter().filter(|(bus, _, _)| bus == name).collect::<Vec<_>>();
    let alu = on("alu");
    assert_eq!(alu.len(), events);
    assert!(alu.iter().all(|(_, _, n)| *n == -1));
    assert_eq!(on("byte").len(), byte_lookups * events);
    assert!(byte_lookups_in_table(interactions));
}

/// Asserts that a trace of no events is all zeros, satisfies `air` and sends nothing.
pub fn assert_padding_sends_nothing<A>(air: &A, trace: &RowMajorMatrix<BabyBear>)
where
    A: for<'a> Air<DebugBuilder<'a, BabyBear>>,
{
    assert!(trace.values.iter().all(|v| *v == BabyBear::ZERO));
    assert!(check_chip(air, trace, None, &[]).unwrap().is_empty());
}
