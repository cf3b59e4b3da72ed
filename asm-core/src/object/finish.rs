//! The checks that need the whole file (inner maps, program names, labels of other
//! sections, names that are neither labels nor maps), and the programs they allow.

use super::*;

impl<'a> State<'a> {
    /// Checks what needs the whole file and forms the programs; errors go to `errors`.
    pub(super) fn finish(&mut self, errors: &mut Errors) -> Vec<ProgramDef> {
        self.check_inner_maps(errors);
        let mut sections = std::mem::take(&mut self.sections);
        for i in 1..sections.len() {
            sections[i - 1].next_line = Some(sections[i].at.line);
        }
        let section_names: Vec<String> = sections.iter().map(|s| s.name.clone()).collect();
        // label → section index, for the "other section" hints.
        let mut label_home: HashMap<&'a str, (usize, Token<'a>)> = HashMap::new();
        for (i, s) in sections.iter().enumerate() {
            for (&l, &t) in &s.labels {
                label_home.entry(l).or_insert((i, t));
            }
        }
        let homes = Homes {
            names: &section_names,
            labels: &label_home,
        };
        // Program names must be unique.
        let mut names: HashMap<String, Token<'a>> = HashMap::new();
        let mut programs = Vec::new();
        for s in sections {
            let name = s.entry.map_or_else(|| s.name.clone(), str::to_owned);
            if let Some(prev) = names.get(&name) {
                errors.push(err(
                    &s.at,
                    format!(
                        "program `{name}` is already defined at line {}, column {}: name this \
                         one with a label before its first instruction",
                        prev.line, prev.column
                    ),
                ));
            } else {
                names.insert(name.clone(), s.at);
            }
            if let Some(p) = self.finish_section(s, name, &homes, errors) {
                programs.push(p);
            }
        }
        self.check_inits(&names, errors);
        self.check_vars(errors);
        programs
    }

    /// Inner maps must be declared and must not form a cycle.
    fn check_inner_maps(&self, errors: &mut Errors) {
        let inner_of: HashMap<&str, &str> = self
            .maps
            .iter()
            .filter_map(|(m, _)| Some((m.name.as_str(), m.inner.as_deref()?)))
            .collect();
        for (m, (_, inner_tok)) in &self.maps {
            let (Some(inner), Some(tok)) = (&m.inner, inner_tok) else {
                continue;
            };
            if !self.map_tokens.contains_key(inner) {
                let hint = did_you_mean(inner, self.map_tokens.keys().map(String::as_str));
                errors.push(err(
                    tok,
                    format!("inner map `{inner}` is not declared{hint}"),
                ));
                continue;
            }
            let mut at = inner.as_str();
            for _ in 0..=inner_of.len() {
                match inner_of.get(at) {
                    Some(&next) if next == m.name => {
                        errors.push(err(
                            tok,
                            format!("inner maps form a cycle through map `{}`", m.name),
                        ));
                        break;
                    }
                    Some(&next) => at = next,
                    None => break,
                }
            }
        }
    }

    /// Forms the program of section `s`, named `name`, after checking its names.
    fn finish_section(
        &self,
        s: Section<'a>,
        name: String,
        homes: &Homes<'_, 'a>,
        errors: &mut Errors,
    ) -> Option<ProgramDef> {
        // An empty section whose lines had errors is not worth a second message.
        let until = s.next_line.unwrap_or(u32::MAX);
        let had_errors = errors.iter().any(|e| e.line >= s.at.line && e.line < until);
        if s.builder.is_empty() && !had_errors {
            errors.push(err(
                &s.at,
                format!("section `{}` has no instructions", s.name),
            ));
        }
        // Names used here but defined elsewhere (or nowhere): our errors replace the
        // builder's, which cannot know about other sections or maps.
        let mut ours: std::collections::HashSet<(u32, u32)> = Default::default();
        for &(used, tok, kind) in &s.uses {
            if s.labels.contains_key(used) {
                continue;
            }
            if let Some(message) = self.unresolved(used, kind, homes) {
                errors.push(err(&tok, message));
                ours.insert((tok.line, tok.column));
            }
        }
        match s.builder.finish() {
            Ok((program, _)) => Some(ProgramDef {
                name,
                section: s.name,
                kind: s.kind,
                target: s.target,
                program,
                location: self.loc(&s.at),
            }),
            Err(mut es) => {
                es.retain(|e| !ours.contains(&(e.line, e.column)));
                errors.append(es);
                None
            }
        }
    }

    /// Why `used`, not a label of its own section, cannot be used as `kind`; `None` when
    /// it can (a symbol naming a declared map).
    fn unresolved(&self, used: &str, kind: UseKind, homes: &Homes<'_, 'a>) -> Option<String> {
        Some(match (kind, homes.labels.get(used)) {
            (UseKind::Symbol, _) if self.map_tokens.contains_key(used) => return None,
            // The address of a map's value (global data): `.rodata_value_8`.
            (UseKind::Symbol, _)
                if parse_value_symbol(used)
                    .is_some_and(|(m, _)| self.map_tokens.contains_key(m)) =>
            {
                return None
            }
            (UseKind::Symbol, Some(&(j, t))) | (UseKind::Call, Some(&(j, t))) => format!(
                "`{used}` is a label of section `{}` (line {}): calls across sections are not \
                 supported; write the subprogram in this section",
                homes.names[j], t.line
            ),
            (UseKind::Jump, Some(&(j, t))) => format!(
                "`{used}` is a label of section `{}` (line {}): a jump cannot leave its section",
                homes.names[j], t.line
            ),
            (UseKind::Symbol, None) => {
                let hint = did_you_mean(used, self.map_tokens.keys().map(String::as_str));
                format!(
                    "`{used}` is not a declared map{hint}: declare it with `.map {} TYPE \
                     key=N value=N entries=N`",
                    super::initial::name_text(used)
                )
            }
            // A kernel function (kfunc), looked up by name at load time.
            (UseKind::Call, None) => return None,
            (UseKind::Jump, None) => format!("undefined label `{used}`"),
        })
    }
}

/// Where each section's labels live, for the "label of another section" messages.
struct Homes<'h, 'a> {
    names: &'h [String],
    labels: &'h HashMap<&'a str, (usize, Token<'a>)>,
}
