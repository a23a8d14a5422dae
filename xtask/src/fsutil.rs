//! Writing a whole tree of files at once, and comparing a tree on disk with the files
//! it should hold.

use std::collections::{BTreeMap, BTreeSet};
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
    // A fixed name, so that what an interrupted run left behind is cleared by the next
    // (the names are git-ignored).
    Ok(parent.join(format!(".{}.xtask-{tag}", name.to_string_lossy())))
}

/// The steps of [`write_tree`] at which a crash leaves something behind (for tests that
/// stop it there, as `kill -9` would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The new tree is written beside the destination, nothing else changed.
    Staged,
    /// Linux: the two trees were exchanged; the old one waits beside the new one.
    Exchanged,
    /// Elsewhere: the old tree was moved aside; the destination is missing for a moment.
    MovedAside,
    /// The new tree is in place; the old one waits beside it.
    Swapped,
}

/// How the new tree replaces the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// `renameat2(RENAME_EXCHANGE)` on Linux (atomic: the destination is always a
    /// whole tree), two renames elsewhere or where the file system cannot exchange.
    Best,
    /// Two renames: the old tree is moved aside, then the new one in (tests use it to
    /// cover the path other systems take).
    Renames,
}

/// Replaces the folder `dest` by exactly `files` (relative path → contents), all or
/// nothing. See [`write_tree_with`].
pub fn write_tree(
    dest: &Path,
    files: &BTreeMap<String, String>,
    keep: &[&str],
) -> io::Result<bool> {
    write_tree_with(dest, files, keep, Swap::Best, &mut |_| true)
}

/// Replaces the folder `dest` by exactly `files`, all or nothing, and so that a crash
/// at any moment leaves a whole tree (old or new) that the next run finishes:
///
/// 1. what an interrupted run left beside `dest` is cleared first (a moved-aside old
///    tree goes back when `dest` is missing; `keep` entries in it are rescued), even
///    when the tree turns out to be current;
/// 2. the new tree is written to `.NAME.xtask-new` beside `dest`; if anything fails,
///    it is removed and `dest` is untouched;
/// 3. on Linux the two folders are exchanged with `renameat2(RENAME_EXCHANGE)`, one
///    atomic step; elsewhere `dest` is renamed to `.NAME.xtask-old` and the new tree
///    renamed in (a crash in between leaves the old tree aside, and step 1 of the next
///    run puts it back);
/// 4. entries of the old folder named in `keep` (top-level names) are carried over
///    when the new tree does not have them, and the old tree is removed.
///
/// Returns `false` (and writes nothing) when `dest` already holds exactly `files` and
/// nothing else. `proceed` is asked after each [`Step`]; answering `false` stops right
/// there, leaving everything as a crash would (tests use it).
pub fn write_tree_with(
    dest: &Path,
    files: &BTreeMap<String, String>,
    keep: &[&str],
    swap: Swap,
    proceed: &mut dyn FnMut(Step) -> bool,
) -> io::Result<bool> {
    let staging = sibling(dest, "new")?;
    let old = sibling(dest, "old")?;
    recover(dest, &staging, &old, keep)?;
    if dest.is_dir() && compare_tree_ignoring(dest, files, keep)?.is_empty() {
        return Ok(false);
    }
    if let Some(parent) = staging.parent() {
        std::fs::create_dir_all(parent)?;
    }
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
    if !proceed(Step::Staged) {
        return Ok(true);
    }
    if dest.symlink_metadata().is_err() {
        return match std::fs::rename(&staging, dest) {
            Ok(()) => Ok(true),
            Err(e) => {
                let _ = remove_any(&staging);
                Err(e)
            }
        };
    }
    // Where the old tree ends up once the new one is in place.
    let aside = if swap == Swap::Best && exchange(&staging, dest)? {
        if !proceed(Step::Exchanged) {
            return Ok(true);
        }
        staging.clone()
    } else {
        if let Err(e) = std::fs::rename(dest, &old) {
            let _ = remove_any(&staging);
            return Err(e);
        }
        if !proceed(Step::MovedAside) {
            return Ok(true);
        }
        if let Err(e) = std::fs::rename(&staging, dest) {
            let _ = std::fs::rename(&old, dest);
            let _ = remove_any(&staging);
            return Err(e);
        }
        old.clone()
    };
    if !proceed(Step::Swapped) {
        return Ok(true);
    }
    carry_over(&aside, dest, keep);
    remove_any(&aside)?;
    Ok(true)
}

/// Exchanges the folders `a` and `b` atomically. `Ok(false)` when the system or the
/// file system cannot (the caller falls back to two renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::OPNOTSUPP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Moves the `keep` entries of `from` into `to` where `to` lacks them.
fn carry_over(from: &Path, to: &Path, keep: &[&str]) {
    for name in keep {
        let source = from.join(name);
        let target = to.join(name);
        if source.symlink_metadata().is_ok() && target.symlink_metadata().is_err() {
            let _ = std::fs::rename(&source, &target);
        }
    }
}

/// Finishes what an interrupted [`write_tree`] left: puts a moved-aside old tree back
/// when `dest` is missing, rescues `keep` entries, and removes the leftovers.
fn recover(dest: &Path, staging: &Path, old: &Path, keep: &[&str]) -> io::Result<()> {
    if dest.symlink_metadata().is_err() && old.is_dir() {
        std::fs::rename(old, dest)?;
    }
    for leftover in [old, staging] {
        if leftover.symlink_metadata().is_err() {
            continue;
        }
        if dest.is_dir() && leftover.is_dir() {
            carry_over(leftover, dest, keep);
        }
        remove_any(leftover)?;
    }
    Ok(())
}

fn remove_any(path: &Path) -> io::Result<()> {
    match path.symlink_metadata() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
    }
}

/// The file in a standalone crate that lists what the generator wrote there.
pub const MANIFEST: &str = ".codegen-manifest";

/// The first line of [`MANIFEST`]: the exact marker that says the folder is the
/// generator's.
pub const MANIFEST_MARKER: &str =
    "# codegen manifest v1: files written by `cargo xtask gen --spec`, replaced whole when it runs again";

/// The text of [`MANIFEST`] for a crate of `files`: the marker, then one path a line.
pub fn manifest_text(files: &BTreeMap<String, String>) -> String {
    let mut out = format!("{MANIFEST_MARKER}\n");
    for path in files.keys().filter(|p| *p != MANIFEST) {
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// The paths [`MANIFEST`] in `dir` lists; `None` when there is none, or it does not
/// start with the marker.
pub fn read_manifest(dir: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MANIFEST_MARKER {
        return None;
    }
    Some(
        lines
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Most names listed when refusing a folder.
const MAX_LISTED: usize = 8;

fn listing(names: &[String]) -> String {
    let mut out = names
        .iter()
        .take(MAX_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX_LISTED {
        out.push_str(&format!(" and {} more", names.len() - MAX_LISTED));
    }
    out
}

/// Refuses to replace `dir` (the `--out` of `spec`) unless it is missing, empty, or
/// holds only what the generator wrote there: the files its [`MANIFEST`] lists, and the
/// `keep` entries (build output, lock file) that are carried over. Says why otherwise:
/// it is not a folder or is a symbolic link, it contains the spec, it is a git
/// repository, it has no manifest, or which files the manifest does not list.
pub fn ensure_replaceable(dir: &Path, spec: &Path, keep: &[&str]) -> Result<(), Failure> {
    let refuse = |why: String| {
        Failure::new(format!(
            "refusing to replace {}: {why}; nothing was changed (choose another --out)",
            dir.display()
        ))
    };
    let meta = match dir.symlink_metadata() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Failure::io(dir, e)),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        return Err(refuse("it is a symbolic link".into()));
    }
    if !meta.is_dir() {
        return Err(refuse("it exists and is not a folder".into()));
    }
    if let (Ok(d), Ok(s)) = (dir.canonicalize(), spec.canonicalize()) {
        if s.starts_with(&d) {
            return Err(refuse(format!("it contains the spec {}", spec.display())));
        }
    }
    if dir.join(".git").symlink_metadata().is_ok() {
        return Err(refuse("it is a git repository (it contains .git)".into()));
    }
    let owned = read_manifest(dir);
    // A folder without a manifest is refused whatever it holds: a few names are enough
    // to say what (and `--out /` does not walk the whole disk).
    let limit = if owned.is_some() {
        usize::MAX
    } else {
        MAX_LISTED + 1
    };
    let mut found = Vec::new();
    walk_names(dir, "", keep, limit, &mut found).map_err(|e| Failure::io(dir, e))?;
    if found.is_empty() {
        return Ok(());
    }
    let Some(owned) = owned else {
        let mut names = listing(&found[..found.len().min(MAX_LISTED)]);
        if found.len() > MAX_LISTED {
            names.push_str(" and more");
        }
        return Err(refuse(format!(
            "it was not written by `cargo xtask gen --spec` (it has no {MANIFEST}) and holds {names}"
        )));
    };
    let foreign: Vec<String> = found
        .into_iter()
        .filter(|path| {
            let top = path.split('/').next().unwrap_or("");
            path != MANIFEST && !owned.contains(path) && !keep.contains(&top)
        })
        .collect();
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(refuse(format!(
            "it holds files the generator did not write ({MANIFEST} does not list them): {}",
            listing(&foreign)
        )))
    }
}

/// Every file, symbolic link and empty folder under `dir`, '/'-separated, sorted, up
/// to `limit` of them; the top-level entries named in `skip` are left out.
fn walk_names(
    dir: &Path,
    prefix: &str,
    skip: &[&str],
    limit: usize,
    out: &mut Vec<String>,
) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if out.len() >= limit {
            return Ok(());
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if prefix.is_empty() && skip.contains(&name.as_str()) {
            continue;
        }
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let before = out.len();
        if entry.file_type()?.is_dir() {
            walk_names(&entry.path(), &rel, &[], limit, out)?;
            if out.len() == before {
                out.push(format!("{rel}/"));
            }
        } else {
            out.push(rel);
        }
    }
    Ok(())
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
