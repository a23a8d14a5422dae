//! Runtime shared by generated clients. (Being written.)
