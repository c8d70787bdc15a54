//! The CPU's constraints. Degrees stay at most 3; see the module docs of [`super`] for the
//! layout and of [`crate::chips::memory`] for the memory argument.

use core::borrow::Borrow;

use p3_air::{Air, AirBuilder, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};

use super::{CpuChip, CpuCols, PV_EXIT_CODE, PV_START_PC};
use crate::bus::{alu_send, range_byte_slice, range_bytes, word_value, PROGRAM, SYSCALL};
use crate::chips::memory::eval_access;

impl<AB: InteractionBuilder> Air<AB> for CpuChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &CpuCols<AB::Var> = main.current_slice().borrow();
        let next: &CpuCols<AB::Var> = main.next_slice().borrow();
        let public: Vec<AB::Expr> = builder.public_values().iter().map(|v| (*v).into()).collect();
        let ins = &local.instr;
        let one = || AB::Expr::ONE;
        let f = |x: u32| AB::Expr::from(AB::F::from_u32(x));
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, and exactly one instruction class on real rows.
        let flags = [
            ins.is_alu_reg, ins.is_alu_imm, ins.is_lui_auipc, ins.is_jal, ins.is_jalr, ins.is_lb, ins.is_lh,
            ins.is_lw, ins.is_lbu, ins.is_lhu, ins.is_sb, ins.is_sh, ins.is_sw, ins.is_beq, ins.is_bne, ins.is_blt,
            ins.is_bge, ins.is_bltu, ins.is_bgeu, ins.is_ecall, ins.is_fence,
        ];
        builder.assert_bool(local.is_real);
        for flag in flags.iter().chain(&[ins.reads_rs1, ins.reads_rs2, ins.writes_rd]) {
            builder.assert_bool(*flag);
        }
        let class_sum = flags.iter().fold(AB::Expr::ZERO, |acc, f| acc + *f);
        builder.assert_eq(class_sum, local.is_real);
        for flag in [ins.reads_rs1, ins.reads_rs2, ins.writes_rd] {
            builder.assert_zero(flag * (one() - local.is_real));
        }
        builder.push_interaction(PROGRAM, ins.as_slice().iter().copied(), Count::bounded(e(local.is_real), 1));

        let is_alu = e(ins.is_alu_reg) + ins.is_alu_imm;
        let is_load = e(ins.is_lb) + ins.is_lh + ins.is_lw + ins.is_lbu + ins.is_lhu;
        let is_store = e(ins.is_sb) + ins.is_sh + ins.is_sw;
        let is_mem = is_load.clone() + is_store.clone();
        let is_addr = is_mem.clone() + ins.is_jalr;
        let is_lt_branch = e(ins.is_blt) + ins.is_bge + ins.is_bltu + ins.is_bgeu;
        let is_branch = e(ins.is_beq) + ins.is_bne + is_lt_branch.clone();
        let ts = |slot: u32| e(local.clk) * AB::F::from_u32(4) + AB::F::from_u32(slot);
        let a = local.a.map(e);
        let b = local.b.map(e);
        let c = local.c.map(e);

        // Register reads and the rd write.
        eval_access(builder, ins.rs1.into(), b.clone(), b.clone(), ts(0), &local.rs1_access, ins.reads_rs1.into());
        eval_access(builder, ins.rs2.into(), c.clone(), c.clone(), ts(1), &local.rs2_access, ins.reads_rs2.into());
        let rd_write = e(ins.writes_rd) + local.is_hint_len;
        eval_access(builder, ins.rd.into(), local.rd_prev.map(e), a.clone(), ts(3), &local.rd_access, rd_write);
        for j in 0..4 {
            builder.when(ins.is_alu_imm).assert_eq(local.c[j], ins.imm[j]);
        }

        // One ALU request: the instruction's result, an address `b + imm`, or a comparison.
        let alu_x: [AB::Expr; 4] = core::array::from_fn(|j| {
            let lt = if j == 0 { local.lt.into() } else { AB::Expr::ZERO };
            is_alu.clone() * local.a[j] + is_addr.clone() * local.addr[j] + is_lt_branch.clone() * lt
        });
        let alu_z: [AB::Expr; 4] = core::array::from_fn(|j| {
            is_addr.clone() * ins.imm[j] + (is_alu.clone() + is_lt_branch.clone()) * local.c[j]
        });
        let alu_count = is_alu.clone() + is_addr.clone() + is_lt_branch.clone();
        alu_send(builder, ins.alu_op, &alu_x, &b, &alu_z, alu_count);

        // Values fixed by the instruction: LUI, AUIPC, JAL and JALR.
        let is_static = e(ins.is_lui_auipc) + ins.is_jal + ins.is_jalr;
        for j in 0..4 {
            builder.when(is_static.clone()).assert_eq(local.a[j], ins.static_a[j]);
        }

        // Addresses of loads, stores and JALR: aligned parts, range, and the offset one-hot.
        let offset_sum = local.offset.iter().fold(AB::Expr::ZERO, |acc, o| acc + *o);
        for o in local.offset {
            builder.assert_bool(o);
        }
        builder.assert_eq(offset_sum, is_addr.clone());
        let off0 = e(local.offset[1]) + local.offset[3];
        let off1 = e(local.offset[2]) + local.offset[3];
        builder.when(is_addr.clone()).assert_eq(
            local.addr[0],
            e(local.addr_q) * AB::F::from_u32(4) + off1.clone() * AB::F::TWO + off0.clone(),
        );
        // `addr_q` is a byte, and addr < 0x7800_0000: the top byte plus 0x88 is still a byte.
        range_bytes(builder, local.addr_q, e(local.addr[3]) + f(0x88), is_addr.clone());
        // Data addresses are at least 2^16, above the registers.
        builder.assert_eq((e(local.addr[2]) + local.addr[3]) * local.addr_hi_inv, is_mem.clone());
        let aligned = word_value::<AB, _>(&local.addr) - off1 * AB::F::TWO - off0.clone();
        let mem_prev = local.mem_prev.map(e);
        let mem_value = local.mem_value.map(e);
        eval_access(builder, aligned, mem_prev.clone(), mem_value.clone(), ts(2), &local.mem_access, is_mem.clone());

        let [s0, s1, s2, s3] = local.offset.map(e);
        builder.when(e(ins.is_lw) + ins.is_sw).assert_one(s0.clone());
        builder.when(e(ins.is_lh) + ins.is_lhu + ins.is_sh).assert_one(s0.clone() + s2.clone());
        for j in 0..4 {
            builder.when(is_load.clone()).assert_eq(mem_prev[j].clone(), mem_value[j].clone());
            builder.when(ins.is_sw).assert_eq(mem_value[j].clone(), c[j].clone());
            let sel = local.offset[j];
            let sb = e(sel) * c[0].clone() + (one() - sel) * mem_prev[j].clone();
            builder.when(ins.is_sb).assert_eq(mem_value[j].clone(), sb);
        }
        let sh = [
            s0.clone() * c[0].clone() + s2.clone() * mem_prev[0].clone(),
            s0.clone() * c[1].clone() + s2.clone() * mem_prev[1].clone(),
            s2.clone() * c[0].clone() + s0.clone() * mem_prev[2].clone(),
            s2.clone() * c[1].clone() + s0.clone() * mem_prev[3].clone(),
        ];
        for (j, value) in sh.into_iter().enumerate() {
            builder.when(ins.is_sh).assert_eq(mem_value[j].clone(), value);
        }

        // Loads: pick the byte or half-word, then sign- or zero-extend.
        let v = &mem_value;
        let byte = s0.clone() * v[0].clone() + s1 * v[1].clone() + s2.clone() * v[2].clone() + s3 * v[3].clone();
        builder.when(e(ins.is_lb) + ins.is_lbu).assert_eq(local.loaded_lo, byte);
        let is_half = e(ins.is_lh) + ins.is_lhu;
        let half_lo = s0.clone() * v[0].clone() + s2.clone() * v[2].clone();
        let half_hi = s0 * v[1].clone() + s2 * v[3].clone();
        builder.when(is_half.clone()).assert_eq(local.loaded_lo, half_lo);
        builder.when(is_half.clone()).assert_eq(local.loaded_hi, half_hi);
        builder.assert_bool(local.sign);
        let sign_byte = e(local.sign) * AB::F::from_u32(128) + local.sign_rest;
        builder.when(ins.is_lb).assert_eq(local.loaded_lo, sign_byte.clone());
        builder.when(ins.is_lh).assert_eq(local.loaded_hi, sign_byte);
        range_bytes(builder, e(local.sign_rest) * AB::F::TWO, AB::Expr::ZERO, e(ins.is_lb) + ins.is_lh);
        let fill = e(local.sign) * AB::F::from_u32(255);
        for (a, v) in local.a.iter().zip(v.iter()) {
            builder.when(ins.is_lw).assert_eq(*a, v.clone());
        }
        builder.when(e(ins.is_lb) + ins.is_lbu + is_half.clone()).assert_eq(local.a[0], local.loaded_lo);
        builder.when(is_half).assert_eq(local.a[1], local.loaded_hi);
        builder.when(ins.is_lb).assert_eq(local.a[1], fill.clone());
        builder.when(ins.is_lbu).assert_zero(local.a[1]);
        for j in 2..4 {
            builder.when(e(ins.is_lb) + ins.is_lh).assert_eq(local.a[j], fill.clone());
            builder.when(e(ins.is_lbu) + ins.is_lhu).assert_zero(local.a[j]);
        }

        // Branches: equality through an inverse, order from the ALU.
        let diff_sq = (0..4).fold(AB::Expr::ZERO, |acc, j| {
            let d = b[j].clone() - c[j].clone();
            acc + d.clone() * d
        });
        builder.assert_bool(local.eq);
        builder.assert_zero(e(local.eq) * diff_sq.clone());
        builder.assert_eq((e(ins.is_beq) + ins.is_bne) * (one() - local.eq), diff_sq * local.eq_inv);
        let taken = e(ins.is_beq) * local.eq
            + e(ins.is_bne) * (one() - local.eq)
            + (e(ins.is_blt) + ins.is_bltu) * local.lt
            + (e(ins.is_bge) + ins.is_bgeu) * (one() - local.lt);
        builder.assert_eq(local.taken, taken);

        // Control flow.
        let pc = e(ins.pc);
        let seq = is_alu + ins.is_lui_auipc + is_mem + ins.is_ecall + ins.is_fence;
        let target = e(ins.jump_target);
        let jalr_target = word_value::<AB, _>(&local.addr) - off0;
        let branch_next = pc.clone() + f(4) + e(local.taken) * (target.clone() - pc.clone() - f(4));
        let expected_next = seq * (pc.clone() + f(4))
            + e(ins.is_jal) * target
            + e(ins.is_jalr) * jalr_target
            + is_branch * branch_next;
        builder.assert_eq(e(local.next_pc) * local.is_real, expected_next);

        // Syscalls are decoded and carried out by the syscall chip; it tells whether this one
        // halts or writes a0.
        builder.assert_bool(local.is_halt);
        builder.assert_bool(local.is_hint_len);
        let mut message = vec![e(local.clk)];
        message.extend(b.iter().cloned());
        message.extend(c.iter().cloned());
        message.extend([e(local.is_halt), e(local.is_hint_len)]);
        builder.push_interaction(SYSCALL, message, Count::bounded(e(ins.is_ecall), 1));
        builder.assert_zero((one() - ins.is_ecall) * (e(local.is_halt) + local.is_hint_len));

        // HALT: a0 is the exit code, a public value.
        for j in 0..4 {
            builder.when(local.is_halt).assert_eq(local.c[j], public[PV_EXIT_CODE + j].clone());
        }
        // HINT_LEN: a0 is an untrusted hint, but it must be bytes.
        range_byte_slice(builder, &local.a, local.is_hint_len.into());

        // Rows follow each other until HALT, which is the last real row.
        builder.when_first_row().assert_one(local.is_real);
        builder.when_first_row().assert_one(local.clk);
        builder.when_first_row().assert_eq(ins.pc, public[PV_START_PC].clone());
        let mut t = builder.when_transition();
        t.assert_zero(e(next.is_real) * (one() - local.is_real));
        t.assert_zero((e(local.is_real) - local.is_halt) * (one() - next.is_real));
        t.assert_zero(e(local.is_halt) * next.is_real);
        t.when(next.is_real).assert_eq(next.instr.pc, local.next_pc);
        t.when(next.is_real).assert_eq(next.clk, e(local.clk) + one());
        builder.when_last_row().assert_eq(local.is_real, local.is_halt);
    }
}
