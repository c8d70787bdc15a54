//! Test guest for cairn-zkvm's std platform layer. The first input (postcard `String`) selects
//! a scenario; crates/build/tests/platform_run.rs drives each one.
#![no_main]

use std::hash::{BuildHasher, RandomState};
use std::io::Read;

cairn_zkvm::entrypoint!(main);

extern "C" {
    fn sys_sha_compress(
        out: *mut [u32; 8],
        state: *const [u32; 8],
        b1: *const [u32; 8],
        b2: *const [u32; 8],
    );
    fn sys_sha_buffer(out: *mut [u32; 8], state: *const [u32; 8], buf: *const u8, count: u32);
}

/// SHA-256's initial state in digest (big-endian) byte order, as words in memory.
fn sha256_iv() -> [u32; 8] {
    let iv: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    iv.map(|w| u32::from_ne_bytes(w.to_be_bytes()))
}

/// Both SHA syscalls on the single padded block of `b"abc"`; commits both 32-byte results.
fn sha() {
    let mut block = [0u32; 16];
    let bytes: &mut [u8; 64] = unsafe { &mut *block.as_mut_ptr().cast() };
    bytes[..4].copy_from_slice(b"abc\x80");
    bytes[63] = 24; // message length in bits, big-endian
    let (iv, mut out) = (sha256_iv(), [[0u32; 8]; 2]);
    unsafe {
        let halves: &[[u32; 8]; 2] = &*block.as_ptr().cast();
        sys_sha_compress(&mut out[0], &iv, &halves[0], &halves[1]);
        sys_sha_buffer(&mut out[1], &iv, block.as_ptr().cast(), 1);
    }
    for state in out {
        let bytes: Vec<u8> = state.iter().flat_map(|w| w.to_ne_bytes()).collect();
        cairn_zkvm::io::commit_slice(&bytes);
    }
}

fn main() {
    let scenario: String = cairn_zkvm::io::read();
    match scenario.as_str() {
        "stdin" => {
            let mut all = Vec::new();
            std::io::stdin()
                .read_to_end(&mut all)
                .expect("stdin never fails");
            println!("read {} bytes from stdin", all.len());
            cairn_zkvm::io::commit_slice(&all);
        }
        "env" => {
            let no_path = std::env::var_os("PATH").is_none();
            cairn_zkvm::io::commit(&(no_path, std::env::args().len() as u32));
        }
        "rand" => {
            let (a, b) = (RandomState::new(), RandomState::new());
            cairn_zkvm::io::commit(&(a.hash_one(42u64), b.hash_one(42u64)));
        }
        "exit" => {
            cairn_zkvm::io::commit_slice(b"partial");
            cairn_zkvm::exit(7);
        }
        "oom" => {
            let huge: Vec<u8> = std::hint::black_box(Vec::with_capacity(0x7800_0000));
            println!("unreachable: got {} bytes", huge.capacity());
        }
        "sha" => sha(),
        other => panic!("unknown scenario {other:?}"),
    }
}
