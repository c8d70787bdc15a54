//! Reads `n: u32`, commits `n` then `fib(n) mod 2^32` (postcard, so the public values decode as
//! `(u32, u32)`), with `fib(0) = 0`, `fib(1) = 1`.
#![no_std]
#![no_main]

cairn_zkvm::entrypoint!(main);

fn main() {
    let n: u32 = cairn_zkvm::io::read();
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    cairn_zkvm::io::commit(&n);
    cairn_zkvm::io::commit(&a);
}
