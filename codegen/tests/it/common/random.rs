//! Random OpenAPI documents from a seed: odd but valid schema pieces (keyword and
//! symbol names, every format, nested arrays and maps, compositions, `$ref`s between
//! components, tricky doc text). Used by `fuzz.rs` (many seeds, no panics) and by
//! `compile.rs` (a few seeds, compiled).

use serde_json::{json, Map, Value};

/// A small deterministic generator (xorshift64*), so no extra dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "fn",
    "async",
    "match",
    "super",
    "_",
    "",
    "2fa",
    "@id",
    "a-b",
    "a b",
    "fooBaz",
    "foo_baz",
    "FooBaz",
    "über",
    "名前",
    "$",
    "!!",
    "...",
    "+1",
    "-1",
    "Other",
    "other",
    "additional_properties",
    "value",
    "Value",
    "String",
    "Option",
    "Client",
    "Box",
    "Vec",
    "a`b[c]",
    "*/",
];

const TEXTS: &[&str] = &[
    "plain",
    "*/ closes",
    "#[attr]",
    "\"quoted\" \\ back",
    "[link]",
    "<tag>",
    "https://example.com/x.",
    "```\nfn main() {}\n```",
    "    indented",
    "`code [x]`",
    "~~~\nx\n",
    "a & b",
    "line\n\nparagraph",
];

struct Builder<'r> {
    rng: &'r mut Rng,
    components: Vec<String>,
}

impl Builder<'_> {
    fn reference(&mut self) -> Value {
        let name = self.rng.pick(&self.components).clone();
        json!({ "$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")) })
    }

    fn decorate(&mut self, mut schema: Value) -> Value {
        let Some(map) = schema.as_object_mut() else {
            return schema;
        };
        if map.contains_key("$ref") {
            return schema;
        }
        if self.rng.chance(20) {
            map.insert("nullable".into(), json!(true));
        }
        if self.rng.chance(20) {
            map.insert("description".into(), json!(*self.rng.pick(TEXTS)));
        }
        if self.rng.chance(10) {
            map.insert("title".into(), json!(*self.rng.pick(TEXTS)));
        }
        if self.rng.chance(10) {
            map.insert("x-assumption".into(), json!(*self.rng.pick(TEXTS)));
        }
        if self.rng.chance(10) {
            map.insert(
                (*self.rng.pick(&["readOnly", "writeOnly", "deprecated"])).into(),
                json!(true),
            );
        }
        if self.rng.chance(10) {
            map.insert("default".into(), self.example());
        }
        if self.rng.chance(5) {
            map.insert("example".into(), self.example());
        }
        schema
    }

    /// Any JSON value (not necessarily valid for the schema it is put on).
    fn example(&mut self) -> Value {
        match self.rng.below(6) {
            0 => json!(*self.rng.pick(TEXTS)),
            1 => json!(self.rng.below(1000) as i64 - 500),
            2 => json!({ *self.rng.pick(NAMES): *self.rng.pick(TEXTS), "ctl": "\u{1}\u{7f}\t" }),
            3 => json!([null, true, 1.5]),
            4 => Value::Null,
            _ => json!(false),
        }
    }

    fn schema(&mut self, depth: usize) -> Value {
        let leaf = depth >= 4;
        let choice = if leaf {
            self.rng.below(7)
        } else {
            self.rng.below(15)
        };
        let schema = match choice {
            0 => {
                json!({ "type": "string", "format": *self.rng.pick(&["", "date-time", "date", "uuid", "byte", "binary", "email", "weird"]) })
            }
            1 => {
                json!({ "type": "integer", "format": *self.rng.pick(&["", "int32", "int64", "uint8"]) })
            }
            2 => {
                json!({ "type": "number", "format": *self.rng.pick(&["", "float", "double", "decimal"]) })
            }
            3 => json!({ "type": "boolean" }),
            4 => {
                let n = 1 + self.rng.below(5);
                let values: Vec<Value> = (0..n).map(|_| json!(*self.rng.pick(NAMES))).collect();
                json!({ "type": "string", "enum": values })
            }
            5 => {
                let n = 1 + self.rng.below(4);
                let values: Vec<Value> = (0..n)
                    .map(|_| json!(self.rng.below(7) as i64 - 3))
                    .collect();
                let mut e = json!({ "type": "integer", "enum": values });
                if self.rng.chance(40) {
                    let labels: Vec<&str> = (0..n).map(|_| *self.rng.pick(NAMES)).collect();
                    e["x-enum-varnames"] = json!(labels);
                }
                e
            }
            6 => self.reference(),
            7 => json!({ "type": "array", "items": self.schema(depth + 1) }),
            8 | 9 => {
                let mut props = Map::new();
                for _ in 0..self.rng.below(5) {
                    props.insert(self.rng.pick(NAMES).to_string(), self.schema(depth + 1));
                }
                let required: Vec<Value> = props
                    .keys()
                    .filter(|_| self.rng.chance(50))
                    .map(|k| json!(k))
                    .collect();
                let mut object = json!({ "type": "object", "properties": props });
                if !required.is_empty() {
                    object["required"] = json!(required);
                }
                match self.rng.below(5) {
                    0 => object["additionalProperties"] = json!(true),
                    1 => object["additionalProperties"] = self.schema(depth + 1),
                    2 => object["additionalProperties"] = json!(false),
                    _ => {}
                }
                object
            }
            10 => json!({ "type": "object", "additionalProperties": self.schema(depth + 1) }),
            11 => {
                let members: Vec<Value> = (0..1 + self.rng.below(3))
                    .map(|_| self.schema(depth + 1))
                    .collect();
                json!({ "allOf": members })
            }
            12 | 13 => {
                let keyword = if choice == 12 { "oneOf" } else { "anyOf" };
                let all_refs = self.rng.chance(50);
                let members: Vec<Value> = (0..1 + self.rng.below(4))
                    .map(|_| {
                        if all_refs {
                            self.reference()
                        } else {
                            self.schema(depth + 1)
                        }
                    })
                    .collect();
                let mut union = json!({ keyword: members.clone() });
                if all_refs && self.rng.chance(60) {
                    let mut mapping = Map::new();
                    for member in &members {
                        if self.rng.chance(50) {
                            mapping
                                .insert(self.rng.pick(NAMES).to_string(), member["$ref"].clone());
                        }
                    }
                    union["discriminator"] =
                        json!({ "propertyName": *self.rng.pick(NAMES), "mapping": mapping });
                }
                union
            }
            _ => json!({}),
        };
        self.decorate(schema)
    }

    fn param_schema(&mut self) -> Value {
        match self.rng.below(8) {
            0 => json!({ "type": "string" }),
            1 => json!({ "type": "integer", "format": *self.rng.pick(&["int32", "int64"]) }),
            2 => {
                json!({ "type": "string", "format": *self.rng.pick(&["date-time", "date", "uuid"]) })
            }
            3 => {
                json!({ "type": "string", "enum": [*self.rng.pick(NAMES), *self.rng.pick(NAMES)] })
            }
            4 => json!({ "type": "array", "items": self.param_schema() }),
            5 => json!({ "type": "boolean" }),
            6 => self.reference(),
            _ => self.schema(3),
        }
    }

    fn content(&mut self, media_types: &[&str]) -> Value {
        let mut content = Map::new();
        for _ in 0..1 + self.rng.below(3) {
            let media_type = *self.rng.pick(media_types);
            let schema = if media_type.starts_with("multipart/")
                || media_type.ends_with("urlencoded")
            {
                let mut props = Map::new();
                for _ in 0..1 + self.rng.below(4) {
                    let value = match self.rng.below(4) {
                        0 => json!({ "type": "string", "format": "binary" }),
                        1 => self.param_schema(),
                        _ => self.schema(2),
                    };
                    props.insert(self.rng.pick(NAMES).to_string(), value);
                }
                let required: Vec<&String> = props.keys().filter(|_| self.rng.chance(40)).collect();
                json!({ "type": "object", "properties": props, "required": required })
            } else {
                self.schema(1)
            };
            content.insert(media_type.to_string(), json!({ "schema": schema }));
        }
        Value::Object(content)
    }

    fn operation(&mut self, path_params: &[String]) -> Value {
        let mut params: Vec<Value> = path_params
            .iter()
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": self.param_schema() }))
            .collect();
        for _ in 0..self.rng.below(5) {
            let location = *self.rng.pick(&["query", "query", "header", "cookie"]);
            let name = *self.rng.pick(NAMES);
            if name.is_empty()
                || params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == location)
            {
                continue;
            }
            let mut param = json!({ "name": name, "in": location, "required": self.rng.chance(30), "schema": self.param_schema() });
            if location == "query" && self.rng.chance(30) {
                param["explode"] = json!(false);
            }
            params.push(param);
        }
        let mut responses = Map::new();
        for _ in 0..1 + self.rng.below(4) {
            let code = *self.rng.pick(&[
                "200", "201", "202", "204", "206", "2XX", "301", "400", "404", "4XX", "500",
                "default",
            ]);
            let mut response = json!({ "description": *self.rng.pick(TEXTS) });
            if code != "204" && self.rng.chance(70) {
                response["content"] = self.content(&[
                    "application/json",
                    "application/problem+json",
                    "text/plain",
                    "application/octet-stream",
                ]);
            }
            responses.insert(code.to_string(), response);
        }
        let mut op = json!({ "parameters": params, "responses": responses });
        if self.rng.chance(80) {
            op["operationId"] = json!(format!(
                "{}{}",
                self.rng.pick(NAMES),
                self.rng.pick(&["", "", "Response", "Error", "Body", "_2"])
            ));
        }
        if self.rng.chance(20) {
            op["description"] = json!(*self.rng.pick(TEXTS));
        }
        if self.rng.chance(60) {
            let media_types = [
                "application/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "text/plain",
                "application/octet-stream",
                "application/vnd.api+json",
                "*/*",
            ];
            let mut content = self.content(&media_types);
            if self.rng.chance(50) {
                // The README example calls the first operation with this body.
                let example = self.example();
                for media in content.as_object_mut().unwrap().values_mut() {
                    media["example"] = example.clone();
                }
            }
            op["requestBody"] = json!({ "required": self.rng.chance(50), "content": content });
        }
        match self.rng.below(4) {
            0 => op["security"] = json!([]),
            1 => op["security"] = json!([{ "key": [] }, { "basic": [], "bearer": [] }]),
            _ => {}
        }
        op
    }
}

const PATHS: &[&str] = &[
    "/things/{id}",
    "/a/{x}-{y}/b",
    "/",
    "/items",
    "/users/{type}/{self}",
    "/files/{name}.json",
];

/// The document for `seed`: the same seed always gives the same document.
pub(crate) fn random_document(seed: u64) -> Value {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let count = 1 + rng.below(6);
    let components: Vec<String> = (0..count)
        .map(|i| format!("{}{i}", rng.pick(NAMES)))
        .collect();
    let mut builder = Builder {
        rng: &mut rng,
        components: components.clone(),
    };
    let mut schemas = Map::new();
    for name in &components {
        schemas.insert(name.clone(), builder.schema(0));
    }
    let mut paths = Map::new();
    for _ in 0..1 + builder.rng.below(3) {
        let path = *builder.rng.pick(PATHS);
        let params: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        let mut item = Map::new();
        for method in ["get", "put", "post", "delete", "patch"] {
            if builder.rng.chance(40) {
                item.insert(method.into(), builder.operation(&params));
            }
        }
        if item.is_empty() {
            item.insert("get".into(), builder.operation(&params));
        }
        paths.insert(path.into(), Value::Object(item));
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Fuzz", "version": "1" },
        "servers": [{ "url": "https://{host}.example.com/v1", "variables": { "host": { "default": "api" } } }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "basic": { "type": "http", "scheme": "basic" },
                "key": { "type": "apiKey", "in": "header", "name": "X-Key" },
            },
        },
    })
}
