//! Trace columns as `#[repr(C)]` structs borrowed from rows.
//!
//! Every chip declares its columns as a `#[repr(C)]` struct generic over the cell type, and
//! [`impl_columns!`] lets a row slice be borrowed as that struct. Column counts come from the
//! struct's size, so adding a field never desynchronises an index.

/// Implements `Borrow`/`BorrowMut` from `[T]` to a `#[repr(C)]` column struct `$cols<T>` whose
/// fields are all `T` or arrays of `T`, and defines `$num` as its width.
macro_rules! impl_columns {
    ($cols:ident, $num:ident) => {
        #[doc = concat!("Number of columns of [`", stringify!($cols), "`].")]
        pub const $num: usize = core::mem::size_of::<$cols<u8>>();

        impl<T> core::borrow::Borrow<$cols<T>> for [T] {
            fn borrow(&self) -> &$cols<T> {
                assert_eq!(self.len(), $num, "row width does not match {}", stringify!($cols));
                // SAFETY: `$cols<T>` is `#[repr(C)]` and consists of exactly `$num` values of
                // type `T` (checked by the length assertion), so it has the layout of `[T; $num]`.
                #[allow(unsafe_code)]
                unsafe {
                    &*(self.as_ptr() as *const $cols<T>)
                }
            }
        }

        impl<T> $cols<T> {
            /// The columns as a slice, in declaration order.
            pub fn as_slice(&self) -> &[T] {
                // SAFETY: `$cols<T>` is `#[repr(C)]` and consists of exactly `$num` values of
                // type `T`, so it has the layout of `[T; $num]`.
                #[allow(unsafe_code)]
                unsafe {
                    core::slice::from_raw_parts((self as *const Self).cast::<T>(), $num)
                }
            }
        }

        impl<T> core::borrow::BorrowMut<$cols<T>> for [T] {
            fn borrow_mut(&mut self) -> &mut $cols<T> {
                assert_eq!(self.len(), $num, "row width does not match {}", stringify!($cols));
                // SAFETY: as for `Borrow` above.
                #[allow(unsafe_code)]
                unsafe {
                    &mut *(self.as_mut_ptr() as *mut $cols<T>)
                }
            }
        }
    };
}

pub(crate) use impl_columns;
