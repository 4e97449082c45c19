//! Files the app writes, at the bottom of the layers (it uses nothing of the crate):
//! [`atomic`], how every file the user chose is written without destroying the one that
//! was there; and [`private`], the modes (0600 files, 0700 folders) every file and folder
//! the app creates is given.

pub mod atomic;
pub mod private;
