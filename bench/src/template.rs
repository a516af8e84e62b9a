//! The functions to measure, read from template.yaml: whatever functions the stack has are
//! the ones measured, with the memory size, environment and routes the stack gives them.
//!
//! A line reader, not a YAML parser: template.yaml's CloudFormation tags (`!Ref`, `!Sub`)
//! trip general YAML crates, and tests/tests/api_description.rs reads the routes the same
//! way, so both agree on what the template says.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The logical id, e.g. `CustomersFunction`.
    pub resource: String,
    /// `BuildProperties.Binary`: the cargo binary `sam build` packs as `bootstrap`.
    pub binary: String,
    pub memory_mb: u32,
    /// Environment variables as written; values that are CloudFormation expressions are
    /// kept as written for the harness to replace.
    pub environment: BTreeMap<String, String>,
    /// `(METHOD, /path)` of its HttpApi events; empty for an event-driven function.
    pub routes: Vec<(String, String)>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn value(line: &str, key: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(key)?.strip_prefix(':')?;
    let rest = rest.trim().trim_matches('"');
    Some(rest.to_owned())
}

/// Every `AWS::Serverless::Function` of `template`, in the template's order.
pub fn functions(template: &str) -> Vec<Function> {
    let lines: Vec<&str> = template.lines().collect();
    let mut global_memory = 128;
    let mut global_env = BTreeMap::new();
    let mut section = "";
    let mut i = 0;
    // Globals.Function: the defaults every function starts from.
    while i < lines.len() {
        let line = lines[i];
        if indent(line) == 0 && !line.trim().is_empty() {
            section = line.trim_end_matches(':');
        }
        if section == "Globals" {
            if let Some(mb) = value(line, "MemorySize").and_then(|v| v.parse().ok()) {
                global_memory = mb;
            }
            if line.trim() == "Variables:" {
                let depth = indent(line);
                i += 1;
                while i < lines.len() && indent(lines[i]) > depth {
                    if let Some((k, v)) = lines[i].trim().split_once(':') {
                        global_env.insert(k.to_owned(), v.trim().trim_matches('"').to_owned());
                    }
                    i += 1;
                }
                continue;
            }
        }
        i += 1;
    }

    let mut functions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // A resource: two spaces in, under Resources.
        if indent(line) == 2
            && line.trim_end().ends_with(':')
            && lines.get(i + 1).and_then(|l| value(l, "Type")).as_deref()
                == Some("AWS::Serverless::Function")
        {
            let resource = line.trim().trim_end_matches(':').to_owned();
            let mut function = Function {
                resource,
                binary: String::new(),
                memory_mb: global_memory,
                environment: global_env.clone(),
                routes: Vec::new(),
            };
            let mut path = None;
            i += 2;
            while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) > 2) {
                let line = lines[i];
                if let Some(b) = value(line, "Binary") {
                    function.binary = b;
                } else if let Some(mb) = value(line, "MemorySize").and_then(|v| v.parse().ok()) {
                    function.memory_mb = mb;
                } else if let Some(p) = value(line, "Path") {
                    path = Some(p);
                } else if let Some(m) = value(line, "Method") {
                    if let Some(p) = path.take() {
                        function.routes.push((m.to_uppercase(), p));
                    }
                } else if line.trim() == "Variables:" {
                    let depth = indent(line);
                    while i + 1 < lines.len() && indent(lines[i + 1]) > depth {
                        i += 1;
                        if let Some((k, v)) = lines[i].trim().split_once(':') {
                            function
                                .environment
                                .insert(k.to_owned(), v.trim().trim_matches('"').to_owned());
                        }
                    }
                }
                i += 1;
            }
            if !function.binary.is_empty() {
                functions.push(function);
            }
            continue;
        }
        i += 1;
    }
    functions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projects_template_names_every_function_with_its_memory_and_routes() {
        let template = include_str!("../../template.yaml");
        let functions = functions(template);
        let customers = functions.iter().find(|f| f.binary == "customers").unwrap();
        assert_eq!(customers.resource, "CustomersFunction");
        assert_eq!(customers.memory_mb, 256);
        assert!(
            customers
                .routes
                .contains(&("GET".into(), "/customers".into()))
        );
        assert_eq!(customers.environment["TABLE_NAME"], "!Ref PortalTable");
        let auth = functions.iter().find(|f| f.binary == "auth").unwrap();
        assert_eq!(auth.memory_mb, 1024);
        let events = functions
            .iter()
            .find(|f| f.binary == "upload-events")
            .unwrap();
        assert!(events.routes.is_empty());
        assert!(events.environment.contains_key("FILES_BUCKET"));
    }
}
