//! The spec-review library's own tests: the diff's rule fixtures, the oasdiff checker
//! fixtures it is measured against, and documents it reads despite formal defects.

mod oasdiff;
mod rules;
