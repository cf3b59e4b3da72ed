//! The bpf() commands this crate issues, with their kernel names for error messages.

/// A `bpf()` command (`enum bpf_cmd`); its name appears in every kernel error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cmd {
    /// `BPF_MAP_CREATE`
    MapCreate = 0,
    /// `BPF_MAP_LOOKUP_ELEM`
    MapLookupElem = 1,
    /// `BPF_MAP_UPDATE_ELEM`
    MapUpdateElem = 2,
    /// `BPF_MAP_DELETE_ELEM`
    MapDeleteElem = 3,
    /// `BPF_MAP_GET_NEXT_KEY`
    MapGetNextKey = 4,
    /// `BPF_PROG_LOAD`
    ProgLoad = 5,
    /// `BPF_OBJ_PIN`
    ObjPin = 6,
    /// `BPF_OBJ_GET`
    ObjGet = 7,
    /// `BPF_PROG_TEST_RUN`
    ProgTestRun = 10,
    /// `BPF_PROG_GET_NEXT_ID`
    ProgGetNextId = 11,
    /// `BPF_MAP_GET_NEXT_ID`
    MapGetNextId = 12,
    /// `BPF_PROG_GET_FD_BY_ID`
    ProgGetFdById = 13,
    /// `BPF_MAP_GET_FD_BY_ID`
    MapGetFdById = 14,
    /// `BPF_OBJ_GET_INFO_BY_FD`
    ObjGetInfoByFd = 15,
    /// `BPF_RAW_TRACEPOINT_OPEN`
    RawTracepointOpen = 17,
    /// `BPF_MAP_LOOKUP_AND_DELETE_ELEM`
    MapLookupAndDeleteElem = 21,
    /// `BPF_MAP_FREEZE`
    MapFreeze = 22,
    /// `BPF_MAP_LOOKUP_BATCH`
    MapLookupBatch = 24,
    /// `BPF_MAP_LOOKUP_AND_DELETE_BATCH`
    MapLookupAndDeleteBatch = 25,
    /// `BPF_MAP_UPDATE_BATCH`
    MapUpdateBatch = 26,
    /// `BPF_MAP_DELETE_BATCH`
    MapDeleteBatch = 27,
    /// `BPF_LINK_CREATE`
    LinkCreate = 28,
    /// `BPF_LINK_DETACH`
    LinkDetach = 34,
}

impl Cmd {
    /// The kernel's name, e.g. `BPF_PROG_LOAD`.
    pub fn name(self) -> &'static str {
        match self {
            Cmd::MapCreate => "BPF_MAP_CREATE",
            Cmd::MapLookupElem => "BPF_MAP_LOOKUP_ELEM",
            Cmd::MapUpdateElem => "BPF_MAP_UPDATE_ELEM",
            Cmd::MapDeleteElem => "BPF_MAP_DELETE_ELEM",
            Cmd::MapGetNextKey => "BPF_MAP_GET_NEXT_KEY",
            Cmd::ProgLoad => "BPF_PROG_LOAD",
            Cmd::ObjPin => "BPF_OBJ_PIN",
            Cmd::ObjGet => "BPF_OBJ_GET",
            Cmd::ProgTestRun => "BPF_PROG_TEST_RUN",
            Cmd::ProgGetNextId => "BPF_PROG_GET_NEXT_ID",
            Cmd::MapGetNextId => "BPF_MAP_GET_NEXT_ID",
            Cmd::ProgGetFdById => "BPF_PROG_GET_FD_BY_ID",
            Cmd::MapGetFdById => "BPF_MAP_GET_FD_BY_ID",
            Cmd::ObjGetInfoByFd => "BPF_OBJ_GET_INFO_BY_FD",
            Cmd::MapLookupAndDeleteElem => "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
            Cmd::MapFreeze => "BPF_MAP_FREEZE",
            Cmd::MapLookupBatch => "BPF_MAP_LOOKUP_BATCH",
            Cmd::MapLookupAndDeleteBatch => "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
            Cmd::MapUpdateBatch => "BPF_MAP_UPDATE_BATCH",
            Cmd::MapDeleteBatch => "BPF_MAP_DELETE_BATCH",
            Cmd::RawTracepointOpen => "BPF_RAW_TRACEPOINT_OPEN",
            Cmd::LinkCreate => "BPF_LINK_CREATE",
            Cmd::LinkDetach => "BPF_LINK_DETACH",
        }
    }
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
