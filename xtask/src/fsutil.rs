//! Writing a whole tree of files at once, and comparing a tree on disk with the files
//! it should hold.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::Failure;

/// Entries of a standalone crate's folder that are not generated but kept when the
/// crate is regenerated: the build output and the lock file `cargo build` writes.
pub const STANDALONE_KEEP: &[&str] = &["target", "Cargo.lock"];

/// Checks that a relative path from the generator stays inside the crate.
fn checked_relpath(rel: &str) -> io::Result<PathBuf> {
    let path = Path::new(rel);
    let ok = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad relative path from codegen: {rel:?}"),
        ))
    }
}

fn sibling(dest: &Path, tag: &str) -> io::Result<PathBuf> {
    let name = dest.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "destination has no folder name",
        )
    })?;
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // A fixed name, so that what an interrupted run left behind is cleared by the next.
    Ok(parent.join(format!(".{}.xtask-{tag}", name.to_string_lossy())))
}

/// Replaces the folder `dest` by exactly `files` (relative path → contents), all or
/// nothing: the new tree is written to a temporary folder beside `dest`, then swapped in
/// with two renames. If anything fails before the swap, `dest` is untouched. Entries of
/// the old folder named in `keep` (top-level names) are carried over when the new tree
/// does not have them. Returns `false` (and touches nothing) when `dest` already holds
/// exactly `files` and nothing else.
pub fn write_tree(
    dest: &Path,
    files: &BTreeMap<String, String>,
    keep: &[&str],
) -> io::Result<bool> {
    if dest.is_dir() && compare_tree_ignoring(dest, files, keep)?.is_empty() {
        return Ok(false);
    }
    let staging = sibling(dest, "new")?;
    let old = sibling(dest, "old")?;
    if let Some(parent) = staging.parent() {
        std::fs::create_dir_all(parent)?;
    }
    remove_any(&staging)?;
    remove_any(&old)?;
    let written = (|| -> io::Result<()> {
        std::fs::create_dir(&staging)?;
        for (rel, contents) in files {
            let path = staging.join(checked_relpath(rel)?);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, contents)?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = remove_any(&staging);
        return Err(e);
    }
    if !dest.exists() {
        return match std::fs::rename(&staging, dest) {
            Ok(()) => Ok(true),
            Err(e) => {
                let _ = remove_any(&staging);
                Err(e)
            }
        };
    }
    if let Err(e) = std::fs::rename(dest, &old) {
        let _ = remove_any(&staging);
        return Err(e);
    }
    let mut moved = Vec::new();
    for name in keep {
        let from = old.join(name);
        let to = staging.join(name);
        if from.symlink_metadata().is_ok()
            && to.symlink_metadata().is_err()
            && std::fs::rename(&from, &to).is_ok()
        {
            moved.push(*name);
        }
    }
    if let Err(e) = std::fs::rename(&staging, dest) {
        for name in moved {
            let _ = std::fs::rename(staging.join(name), old.join(name));
        }
        let _ = std::fs::rename(&old, dest);
        let _ = remove_any(&staging);
        return Err(e);
    }
    remove_any(&old)?;
    Ok(true)
}

fn remove_any(path: &Path) -> io::Result<()> {
    match path.symlink_metadata() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
    }
}

/// Refuses to replace `dir` unless it is missing, empty, or a crate this tool wrote
/// (its `Cargo.toml` mentions `marker`, the regenerate command of the headers).
pub fn ensure_replaceable(dir: &Path, marker: &str) -> Result<(), Failure> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Failure::new(format!(
            "{} exists and is not a folder",
            dir.display()
        )));
    }
    let empty = std::fs::read_dir(dir)
        .map_err(|e| Failure::io(dir, e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    if manifest.contains(marker) {
        return Ok(());
    }
    Err(Failure::new(format!(
        "refusing to replace {}: it is not empty and not a crate written by `{marker}`; \
         remove it or choose another --out",
        dir.display()
    )))
}

/// What differs for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The generator writes it; the folder lacks it.
    Add,
    /// The folder has it; the generator no longer writes it.
    Remove,
    /// Both have it, with different contents.
    Change,
}

/// One file that differs between the folder and what the generator writes.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// Relative path, '/'-separated.
    pub path: String,
    /// What differs.
    pub kind: ChangeKind,
    /// Contents on disk (`None` when missing; lossy text for non-UTF-8 files).
    pub on_disk: Option<String>,
    /// Contents the generator writes (`None` when it writes none).
    pub expected: Option<String>,
}

/// Lines of diff shown per file before the rest is summarized.
const MAX_DIFF_LINES: usize = 400;

impl FileChange {
    /// A unified diff (`--- a/dir/path`, `+++ b/dir/path`) from disk to expected.
    pub fn unified_diff(&self, dir: &str) -> String {
        let old = self.on_disk.as_deref().unwrap_or("");
        let new = self.expected.as_deref().unwrap_or("");
        let a = if self.on_disk.is_some() {
            format!("a/{dir}/{}", self.path)
        } else {
            "/dev/null".into()
        };
        let b = if self.expected.is_some() {
            format!("b/{dir}/{}", self.path)
        } else {
            "/dev/null".into()
        };
        let diff = similar::TextDiff::from_lines(old, new);
        let mut text = diff
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        if text.is_empty() {
            // Same text, different bytes (e.g. not UTF-8): still say which file.
            text = format!("--- {a}\n+++ {b}\n@@ contents differ @@\n");
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > MAX_DIFF_LINES {
            let mut short = lines[..MAX_DIFF_LINES].join("\n");
            short.push_str(&format!(
                "\n... {} more diff lines for {}\n",
                lines.len() - MAX_DIFF_LINES,
                self.path
            ));
            short
        } else {
            text
        }
    }
}

/// Every file under `dir`, by '/'-separated relative path. A missing folder is empty.
pub fn read_tree(dir: &Path) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, "", &mut out)?;
    }
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(&entry.path(), &rel, out)?;
        } else if ty.is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            out.insert(rel, format!("symlink to {}", target.display()).into_bytes());
        } else {
            out.insert(rel, std::fs::read(entry.path())?);
        }
    }
    Ok(())
}

/// The files that differ between `dir` and `files`, sorted by path.
pub fn compare_tree(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<Vec<FileChange>> {
    compare_tree_ignoring(dir, files, &[])
}

fn compare_tree_ignoring(
    dir: &Path,
    files: &BTreeMap<String, String>,
    ignore: &[&str],
) -> io::Result<Vec<FileChange>> {
    let mut on_disk = read_tree(dir)?;
    on_disk.retain(|path, _| {
        let top = path.split('/').next().unwrap_or("");
        files.contains_key(path) || !ignore.contains(&top)
    });
    let mut out = Vec::new();
    let paths: std::collections::BTreeSet<&String> = on_disk.keys().chain(files.keys()).collect();
    for path in paths {
        let disk = on_disk.get(path);
        let expected = files.get(path);
        let kind = match (disk, expected) {
            (None, Some(_)) => ChangeKind::Add,
            (Some(_), None) => ChangeKind::Remove,
            (Some(d), Some(e)) if d.as_slice() != e.as_bytes() => ChangeKind::Change,
            _ => continue,
        };
        out.push(FileChange {
            path: path.clone(),
            kind,
            on_disk: disk.map(|d| String::from_utf8_lossy(d).into_owned()),
            expected: expected.cloned(),
        });
    }
    Ok(out)
}
