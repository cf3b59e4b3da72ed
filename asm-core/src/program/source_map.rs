//! Source locations of a program's instructions, stored compactly (12 bytes each).

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Where an instruction was written: file, 1-based line and column.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SourceLoc {
    /// The file name, as given to the assembler or as the macro saw it.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Loc {
    file: u32,
    line: NonZeroU32,
    column: u32,
}

/// The source location of each instruction of a program, when known, and the text of
/// the files when known (so a loader can show the line an instruction was written on).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<str>>,
    /// The text of `files[i]`, when known: the whole file, or (for `program!`) a text with
    /// the lines instructions were written on and every other line empty.
    texts: Vec<Option<Arc<str>>>,
    locs: Vec<Option<Loc>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// An empty map with room for `n` instructions.
    pub fn with_capacity(n: usize) -> SourceMap {
        SourceMap {
            files: Vec::new(),
            texts: Vec::new(),
            locs: Vec::with_capacity(n),
        }
    }

    /// The number of a file name in this map, adding it if new.
    pub fn file_id(&mut self, file: &Arc<str>) -> u32 {
        match self.files.iter().position(|f| f == file) {
            Some(i) => i as u32,
            None => {
                self.files.push(file.clone());
                self.texts.push(None);
                (self.files.len() - 1) as u32
            }
        }
    }

    /// Records the text of file `file_id` (lines are counted from 1 in it).
    pub fn set_text(&mut self, file_id: u32, text: Arc<str>) {
        if let Some(t) = self.texts.get_mut(file_id as usize) {
            *t = Some(text);
        }
    }

    /// The text of `file`, when known.
    pub fn text_of(&self, file: &str) -> Option<&Arc<str>> {
        let i = self.files.iter().position(|f| &**f == file)?;
        self.texts.get(i)?.as_ref()
    }

    /// The file number and its text, of a file of `other`, added to this map.
    fn adopt_file(&mut self, other: &SourceMap, i: usize) -> u32 {
        let id = self.file_id(&other.files[i]);
        if let (Some(Some(text)), Some(slot)) =
            (other.texts.get(i), self.texts.get_mut(id as usize))
        {
            if slot.is_none() {
                *slot = Some(text.clone());
            }
        }
        id
    }

    /// Appends the location of the next instruction in file `file_id` (line 0: unknown).
    pub fn push_at(&mut self, file_id: u32, line: u32, column: u32) {
        self.locs.push(NonZeroU32::new(line).map(|line| Loc {
            file: file_id,
            line,
            column,
        }));
    }

    /// Appends the location of the next instruction.
    pub fn push(&mut self, loc: Option<&SourceLoc>) {
        match loc {
            Some(l) => {
                let id = self.file_id(&l.file);
                self.push_at(id, l.line, l.column)
            }
            None => self.locs.push(None),
        }
    }

    /// The location of instruction `index`.
    pub fn get(&self, index: usize) -> Option<SourceLoc> {
        let l = (*self.locs.get(index)?)?;
        Some(SourceLoc {
            file: self.files.get(l.file as usize)?.clone(),
            line: l.line.get(),
            column: l.column,
        })
    }

    /// Number of instructions covered.
    pub fn len(&self) -> usize {
        self.locs.len()
    }

    /// True when no instruction is covered.
    pub fn is_empty(&self) -> bool {
        self.locs.is_empty()
    }

    /// Pads with unknown locations or cuts to exactly `n` instructions.
    pub fn resize(&mut self, n: usize) {
        self.locs.resize(n, None);
    }

    /// Moves every location of `other` to the end of this map.
    pub fn append(&mut self, other: SourceMap) {
        let ids: Vec<u32> = (0..other.files.len())
            .map(|i| self.adopt_file(&other, i))
            .collect();
        if ids.iter().enumerate().all(|(i, &id)| i as u32 == id) {
            self.locs.extend(other.locs);
        } else {
            self.locs.extend(other.locs.into_iter().map(|l| {
                l.map(|l| Loc {
                    file: ids[l.file as usize],
                    ..l
                })
            }));
        }
    }

    /// Appends every location of `other`.
    pub fn extend(&mut self, other: &SourceMap) {
        for i in 0..other.files.len() {
            self.adopt_file(other, i);
        }
        for i in 0..other.len() {
            self.push(other.get(i).as_ref());
        }
    }
}
