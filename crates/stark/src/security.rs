//! Derives a [`SecurityShape`] from real AIRs, for [`crate::Profile::security`].

use p3_air::symbolic::AirLayout;
use p3_air::BaseAir;
use p3_batch_stark::num_batched_openings;
use p3_batch_stark::symbolic::{get_log_num_quotient_chunks, get_symbolic_constraints};
use p3_field::BasedVectorSpace;
use p3_lookup::{LogUpGadget, Lookups};
use p3_uni_stark::OpeningShape;

use crate::config::{Challenge, Val};
use crate::profile::SecurityShape;
use crate::proof::StarkAir;

/// The soundness-relevant shape of a batch of `airs` at `log_heights` (one per AIR; missing
/// entries count as 0). Lookups are counted unpacked, which slightly overstates the number
/// of batched codewords (conservative).
pub fn security_shape<A: StarkAir>(airs: &[A], log_heights: &[usize]) -> SecurityShape {
    let gadget = LogUpGadget::new();
    let ext_degree = <Challenge as BasedVectorSpace<Val>>::DIMENSION;
    let mut shape = SecurityShape {
        log_trace_length: 0,
        num_constraints: 0,
        max_constraint_degree: 1,
        num_quotient_chunks: 1,
        num_batched_functions: 0,
        num_interactions: 0,
        max_message_width: 1,
    };
    for (i, air) in airs.iter().enumerate() {
        let log_h = log_heights.get(i).copied().unwrap_or(0);
        let lookups = Lookups::<Val>::from_air::<Challenge, _>(air);
        let layout = AirLayout::from_air::<Val>(air);
        let (base, ext) =
            get_symbolic_constraints::<Val, Challenge, _, _>(air, layout, &lookups, &gadget);
        let degree = base
            .iter()
            .map(|c| c.degree_multiple())
            .chain(ext.iter().map(|c| c.degree_multiple()))
            .max()
            .unwrap_or(1);
        let chunks = 1usize
            << get_log_num_quotient_chunks::<Val, Challenge, _, _>(
                air,
                layout,
                1 << log_h,
                &lookups,
                0,
                &gadget,
            );
        shape.log_trace_length = shape.log_trace_length.max(log_h);
        shape.num_constraints += base.len() + ext.len();
        shape.max_constraint_degree = shape.max_constraint_degree.max(degree);
        shape.num_quotient_chunks = shape.num_quotient_chunks.max(chunks);
        shape.num_batched_functions += num_batched_openings(
            <A as BaseAir<Val>>::width(air),
            !<A as BaseAir<Val>>::main_next_row_columns(air).is_empty(),
            <A as BaseAir<Val>>::preprocessed_width(air),
            !<A as BaseAir<Val>>::preprocessed_next_row_columns(air).is_empty(),
            chunks,
            lookups.len(),
            ext_degree,
            OpeningShape::new(),
        );
        for lookup in lookups.iter() {
            shape.num_interactions += lookup.elements.len();
            let width = lookup.elements.iter().map(Vec::len).max().unwrap_or(1);
            shape.max_message_width = shape.max_message_width.max(width);
        }
    }
    shape
}
