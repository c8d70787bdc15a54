//! A guest program: reads `n`, computes the n-th Fibonacci number and commits both.
#![no_std]
#![no_main]

cairn_zkvm::entrypoint!(main);

fn main() {
    let n: u32 = cairn_zkvm::io::read();
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    cairn_zkvm::println!("fib({}) = {}", n, a);
    cairn_zkvm::io::commit(&n);
    cairn_zkvm::io::commit(&a);
}
