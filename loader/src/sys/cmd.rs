//! The bpf() commands this crate issues, with their kernel names for error messages; the
//! numbers come from the generated `enum bpf_cmd` table.

use super::generated::bpf_cmd;

/// A `bpf()` command (`enum bpf_cmd`); its name appears in every kernel error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cmd {
    /// `BPF_MAP_CREATE`
    MapCreate = bpf_cmd::BPF_MAP_CREATE as isize,
    /// `BPF_MAP_LOOKUP_ELEM`
    MapLookupElem = bpf_cmd::BPF_MAP_LOOKUP_ELEM as isize,
    /// `BPF_MAP_UPDATE_ELEM`
    MapUpdateElem = bpf_cmd::BPF_MAP_UPDATE_ELEM as isize,
    /// `BPF_MAP_DELETE_ELEM`
    MapDeleteElem = bpf_cmd::BPF_MAP_DELETE_ELEM as isize,
    /// `BPF_MAP_GET_NEXT_KEY`
    MapGetNextKey = bpf_cmd::BPF_MAP_GET_NEXT_KEY as isize,
    /// `BPF_PROG_LOAD`
    ProgLoad = bpf_cmd::BPF_PROG_LOAD as isize,
    /// `BPF_OBJ_PIN`
    ObjPin = bpf_cmd::BPF_OBJ_PIN as isize,
    /// `BPF_OBJ_GET`
    ObjGet = bpf_cmd::BPF_OBJ_GET as isize,
    /// `BPF_PROG_TEST_RUN`
    ProgTestRun = bpf_cmd::BPF_PROG_TEST_RUN as isize,
    /// `BPF_PROG_GET_NEXT_ID`
    ProgGetNextId = bpf_cmd::BPF_PROG_GET_NEXT_ID as isize,
    /// `BPF_MAP_GET_NEXT_ID`
    MapGetNextId = bpf_cmd::BPF_MAP_GET_NEXT_ID as isize,
    /// `BPF_PROG_GET_FD_BY_ID`
    ProgGetFdById = bpf_cmd::BPF_PROG_GET_FD_BY_ID as isize,
    /// `BPF_MAP_GET_FD_BY_ID`
    MapGetFdById = bpf_cmd::BPF_MAP_GET_FD_BY_ID as isize,
    /// `BPF_OBJ_GET_INFO_BY_FD`
    ObjGetInfoByFd = bpf_cmd::BPF_OBJ_GET_INFO_BY_FD as isize,
    /// `BPF_BTF_GET_NEXT_ID`
    BtfGetNextId = bpf_cmd::BPF_BTF_GET_NEXT_ID as isize,
    /// `BPF_BTF_GET_FD_BY_ID`
    BtfGetFdById = bpf_cmd::BPF_BTF_GET_FD_BY_ID as isize,
    /// `BPF_RAW_TRACEPOINT_OPEN`
    RawTracepointOpen = bpf_cmd::BPF_RAW_TRACEPOINT_OPEN as isize,
    /// `BPF_MAP_LOOKUP_AND_DELETE_ELEM`
    MapLookupAndDeleteElem = bpf_cmd::BPF_MAP_LOOKUP_AND_DELETE_ELEM as isize,
    /// `BPF_MAP_FREEZE`
    MapFreeze = bpf_cmd::BPF_MAP_FREEZE as isize,
    /// `BPF_MAP_LOOKUP_BATCH`
    MapLookupBatch = bpf_cmd::BPF_MAP_LOOKUP_BATCH as isize,
    /// `BPF_MAP_LOOKUP_AND_DELETE_BATCH`
    MapLookupAndDeleteBatch = bpf_cmd::BPF_MAP_LOOKUP_AND_DELETE_BATCH as isize,
    /// `BPF_MAP_UPDATE_BATCH`
    MapUpdateBatch = bpf_cmd::BPF_MAP_UPDATE_BATCH as isize,
    /// `BPF_MAP_DELETE_BATCH`
    MapDeleteBatch = bpf_cmd::BPF_MAP_DELETE_BATCH as isize,
    /// `BPF_LINK_CREATE`
    LinkCreate = bpf_cmd::BPF_LINK_CREATE as isize,
    /// `BPF_LINK_DETACH`
    LinkDetach = bpf_cmd::BPF_LINK_DETACH as isize,
    /// `BPF_BTF_LOAD`
    BtfLoad = bpf_cmd::BPF_BTF_LOAD as isize,
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
            Cmd::BtfGetNextId => "BPF_BTF_GET_NEXT_ID",
            Cmd::BtfGetFdById => "BPF_BTF_GET_FD_BY_ID",
            Cmd::MapLookupAndDeleteElem => "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
            Cmd::MapFreeze => "BPF_MAP_FREEZE",
            Cmd::MapLookupBatch => "BPF_MAP_LOOKUP_BATCH",
            Cmd::MapLookupAndDeleteBatch => "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
            Cmd::MapUpdateBatch => "BPF_MAP_UPDATE_BATCH",
            Cmd::MapDeleteBatch => "BPF_MAP_DELETE_BATCH",
            Cmd::RawTracepointOpen => "BPF_RAW_TRACEPOINT_OPEN",
            Cmd::LinkCreate => "BPF_LINK_CREATE",
            Cmd::LinkDetach => "BPF_LINK_DETACH",
            Cmd::BtfLoad => "BPF_BTF_LOAD",
        }
    }
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
