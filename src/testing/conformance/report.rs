//! The result of a run: one entry per case.

use std::fmt;

/// The result of a run: one entry per case.
#[derive(Debug, Clone)]
pub struct Report {
    /// Each case's name and its failure, if it failed.
    pub results: Vec<(&'static str, Result<(), String>)>,
}

impl Report {
    /// The cases that failed, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.results
            .iter()
            .filter_map(|(name, result)| result.as_ref().err().map(|why| (*name, why.as_str())))
    }

    /// Panics, listing every failed case, unless all passed.
    #[track_caller]
    pub fn assert_passed(&self) {
        if self.failures().next().is_some() {
            panic!("conformance failures:\n{self}");
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, result) in &self.results {
            match result {
                Ok(()) => writeln!(f, "ok     {name}")?,
                Err(why) => writeln!(f, "FAILED {name}: {why}")?,
            }
        }
        let failed = self.failures().count();
        write!(f, "{} passed, {failed} failed", self.results.len() - failed)
    }
}
