//! Behaviour of the generated code, compiled as `tests/behaviour.rs` of the crate that
//! `codegen/tests/it/compile.rs` generates from every fixture (one module per fixture).
//!
//! JSON round trips check what the snapshots cannot: absent stays absent and `null`
//! stays `null`, unknown enum values survive, extra properties land in the flattened
//! map, unions pick the right member, recursive types nest. The client tests send real
//! requests to a one-shot HTTP server on 127.0.0.1 and check what went over the wire.

use std::io::{Read, Write};
use std::net::TcpListener;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Decodes `json` as `T`, encodes it again and checks nothing was added, lost or changed.
fn roundtrip<T: DeserializeOwned + Serialize>(json: Value) -> T {
    let text = json.to_string();
    let typed: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot decode {text}: {e}"));
    let back = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(back, json, "re-encoding changed the value");
    typed
}

fn fails<T: DeserializeOwned + std::fmt::Debug>(json: Value) {
    let result = serde_json::from_value::<T>(json.clone());
    assert!(result.is_err(), "{json} should not decode, got {result:?}");
}

mod presence {
    use super::*;
    use snapshot_crate::presence::types::{Child, NullableChild, Presence};

    #[test]
    fn absent_stays_absent() {
        let p: Presence = roundtrip(json!({"required": "a", "requiredNullable": null, "requiredAny": 1}));
        assert_eq!(p.required, "a");
        assert_eq!(p.required_nullable, None);
        assert_eq!(p.optional, None);
        assert_eq!(p.optional_nullable, None);
        assert_eq!(p.optional_any, None);
        assert_eq!(p.optional_nullable_ref, None);
    }

    #[test]
    fn only_a_json_object_decodes_as_a_struct() {
        // Derived serde impls would also take the fields as an array, in order.
        fails::<Presence>(json!(["a", null, 1]));
        fails::<Child>(json!([]));
        fails::<Child>(json!("a"));
    }

    #[test]
    fn null_stays_null() {
        let p: Presence = roundtrip(json!({
            "required": "a",
            "requiredNullable": null,
            "requiredAny": null,
            "optionalNullable": null,
            "optionalAny": null,
            "optionalNullableRef": null,
        }));
        assert_eq!(p.required_any, Value::Null);
        assert_eq!(p.optional_nullable, Some(None));
        assert_eq!(p.optional_any, Some(Value::Null));
        assert_eq!(p.optional_nullable_ref, Some(None));
    }

    #[test]
    fn values_are_kept() {
        let p: Presence = roundtrip(json!({
            "required": "a",
            "requiredNullable": "b",
            "requiredAny": {"x": [1, 2]},
            "optional": 3,
            "optionalNullable": 4,
            "optionalAny": false,
            "optionalRef": {"a": "c"},
            "optionalNullableRef": {"b": "d"},
            "readOnlyRequired": "r",
            "nullableItems": ["e", null],
            "nullableValues": {"k": null, "l": 5},
        }));
        assert_eq!(p.required_nullable.as_deref(), Some("b"));
        assert_eq!(p.optional, Some(3));
        assert_eq!(p.optional_nullable, Some(Some(4)));
        assert_eq!(p.optional_ref, Some(Child::new().a("c")));
        assert_eq!(p.optional_nullable_ref, Some(Some(NullableChild::new().b("d"))));
        assert_eq!(p.nullable_items, Some(vec![Some("e".to_string()), None]));
        let values = p.nullable_values.expect("present");
        assert_eq!(values["k"], None);
        assert_eq!(values["l"], Some(5));
    }

    #[test]
    fn required_fields_are_required() {
        fails::<Presence>(json!({"requiredNullable": null, "requiredAny": 1}));
        fails::<Presence>(json!({"required": null, "requiredNullable": null, "requiredAny": 1}));
        fails::<Presence>(json!({"required": "a", "requiredNullable": null, "requiredAny": 1, "optional": "x"}));
    }

    #[test]
    fn a_read_only_required_property_may_be_absent() {
        let p: Presence = roundtrip(json!({"required": "a", "requiredNullable": null, "requiredAny": 1}));
        assert_eq!(p.read_only_required, None);
    }

    #[test]
    fn none_is_omitted_when_encoding() {
        // Built in typed Rust: the required properties go to `new`, a nullable one is
        // sent as `null` by its `_null` setter, and everything else stays absent.
        let p = Presence::new("a", Value::Null).optional_nullable_null();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"required": "a", "requiredNullable": null, "optionalNullable": null, "requiredAny": null})
        );
    }
}

mod objects {
    use super::*;
    use snapshot_crate::objects::types::{Owner, Pet, Untyped};

    #[test]
    fn wire_names_are_kept() {
        let pet: Pet = roundtrip(json!({
            "petId": 7,
            "name": "Rex",
            "HTTPStatus": 200,
            "createdAt": "2024-01-02T03:04:05Z",
            "snake_case_already": true,
            "tags": ["a"],
            "owner": {"displayName": "Ann", "e-mail": "ann@example.com", "Address.Line1": "1 Road"},
        }));
        assert_eq!(pet.pet_id, 7);
        assert_eq!(pet.http_status, Some(200));
        assert_eq!(pet.owner.e_mail.as_deref(), Some("ann@example.com"));
        assert_eq!(pet.owner.address_line1.as_deref(), Some("1 Road"));
    }

    #[test]
    fn structs_have_the_promised_derives() {
        fn derives<T: std::fmt::Debug + Clone + PartialEq + Serialize + DeserializeOwned>() {}
        derives::<Pet>();
        derives::<Owner>();
        derives::<Untyped>();
        let owner = Owner::default();
        assert_eq!(owner.clone(), owner);
    }

    #[test]
    fn missing_required_property_fails() {
        fails::<Pet>(json!({"petId": 7, "name": "Rex"}));
        fails::<Untyped>(json!({}));
        let u: Untyped = roundtrip(json!({"id": "x"}));
        assert_eq!(u.id, "x");
    }
}

mod names {
    use super::*;
    use snapshot_crate::names::types::{
        ClientType, EnumNames, Keywords, MySchema, MySchema2, MySchema3, OptionType, Self_, StringType, Symbols,
        T2ndPlace, Type, UdcNUefCode,
    };

    #[test]
    fn keyword_properties_roundtrip() {
        let k: Keywords = roundtrip(json!({
            "type": "t", "self": "s", "Self": "S", "crate": "c", "fn": "f", "async": "a",
            "match": "m", "super": "u", "_": "x", "additional_properties": "p",
        }));
        assert_eq!(k.type_, "t");
        assert_eq!(k.self_.as_deref(), Some("s"));
        assert_eq!(k.self_2.as_deref(), Some("S"));
        assert_eq!(k.crate_.as_deref(), Some("c"));
        assert_eq!(k.fn_.as_deref(), Some("f"));
        assert_eq!(k.async_.as_deref(), Some("a"));
        assert_eq!(k.match_.as_deref(), Some("m"));
        assert_eq!(k.super_.as_deref(), Some("u"));
        assert_eq!(k.additional_properties_2.as_deref(), Some("p"));
        assert!(k.additional_properties.is_empty());
        let k: Keywords = roundtrip(json!({"type": "t", "additional_properties": "p", "extra": "e"}));
        assert_eq!(k.additional_properties_2.as_deref(), Some("p"));
        assert_eq!(k.additional_properties["extra"], "e");
    }

    #[test]
    fn symbol_and_colliding_properties_stay_apart() {
        let s: Symbols = roundtrip(json!({
            "2fa": true, "@odata.type": "#x", "x-rate-limit": 5, "first name": "Ann",
            "über": "u", "名前": "n", "fooBaz": "1", "foo_baz": "2", "FooBaz": "3", "": "empty",
        }));
        assert_eq!(s.n2fa, Some(true));
        assert_eq!(s.at_odata_type.as_deref(), Some("#x"));
        assert_eq!(s.foo_baz.as_deref(), Some("1"));
        assert_eq!(s.foo_baz_2.as_deref(), Some("2"));
        assert_eq!(s.foo_baz_3.as_deref(), Some("3"));
    }

    #[test]
    fn enum_values_with_odd_names() {
        let all = json!(["type", "self", "Self", "1", "+1", "-1", "a b", "A-B", "a_b", "ünï", "", "Other", "other"]);
        let values: Vec<EnumNames> = roundtrip(all);
        assert_eq!(values[1], EnumNames::Self_);
        assert_eq!(values[2], EnumNames::Self2);
        assert_eq!(values[3], EnumNames::V1);
        assert_eq!(values[11], EnumNames::Other2);
        assert_eq!(values[12], EnumNames::Other3);
        assert!(values.iter().all(|v| !matches!(v, EnumNames::Other(_))));
        let unknown: EnumNames = roundtrip(json!("OTHER"));
        assert_eq!(unknown, EnumNames::Other("OTHER".into()));
    }

    #[test]
    fn type_names_are_distinct() {
        let _: (Type, Self_, T2ndPlace, MySchema, MySchema2, MySchema3, StringType, ClientType, UdcNUefCode) =
            Default::default();
        let _: OptionType = String::new();
        let m: MySchema2 = roundtrip(json!({"b": "x"}));
        assert_eq!(m.b.as_deref(), Some("x"));
    }
}

mod enums {
    use super::*;
    use snapshot_crate::enums::types::{
        Access, AccessRead, AccessShare, AccessWrite, Duplicates, Holder, Level, Priority, Status,
    };

    #[test]
    fn enums_with_the_same_values_are_one_type() {
        let a: Access = roundtrip(json!({"read": "team", "write": "everyone", "share": "none"}));
        // `AccessWrite` is an alias of `AccessRead`: the values mix freely.
        let write: AccessWrite = a.read.clone().unwrap();
        assert_eq!(write, AccessRead::Team);
        assert_eq!(a.write, Some(AccessWrite::Everyone));
        assert_eq!(a.share, Some(AccessShare::None));
        assert_eq!(std::any::type_name::<AccessWrite>(), std::any::type_name::<AccessRead>());
        assert_ne!(std::any::type_name::<AccessShare>(), std::any::type_name::<AccessRead>());
    }

    #[test]
    fn string_enums_are_open() {
        let s: Status = roundtrip(json!("pending-review"));
        assert_eq!(s, Status::PendingReview);
        assert_eq!(roundtrip::<Status>(json!("ACTIVE")), Status::Active2);
        let other: Status = roundtrip(json!("archived"));
        assert_eq!(other, Status::Other("archived".into()));
        assert_eq!(other.to_string(), "archived");
        assert_eq!(Status::Active.as_str(), "active");
        assert_eq!(roundtrip::<Duplicates>(json!("b")), Duplicates::B);
        fails::<Status>(json!(1));
    }

    #[test]
    fn integer_enums_are_open_and_numbers_on_the_wire() {
        assert_eq!(roundtrip::<Priority>(json!(2)), Priority::Value2);
        assert_eq!(roundtrip::<Priority>(json!(-1)), Priority::ValueMinus1);
        let other: Priority = roundtrip(json!(42));
        assert_eq!(other, Priority::Other(42));
        assert_eq!(serde_json::to_string(&Level::Medium).unwrap(), "10");
        fails::<Priority>(json!("2"));
    }

    #[test]
    fn enums_inside_structs() {
        let h: Holder = roundtrip(json!({"status": "gone", "priority": 3, "levels": [0, 20, 99]}));
        assert_eq!(h.status, Status::Other("gone".into()));
        assert_eq!(h.levels, Some(vec![Level::Low, Level::High, Level::Other(99)]));
    }
}

mod formats {
    use super::*;
    use snapshot_crate::formats::types::Formats;

    #[test]
    fn formats_map_to_their_types() {
        let f: Formats = roundtrip(json!({
            "int32": -5,
            "int64": 9_007_199_254_740_993_i64,
            "integer": 3,
            "float": 1.5,
            "double": 2.25,
            "number": 0.5,
            "dateTime": "2024-05-06T07:08:09+02:00",
            "date": "2024-05-06",
            "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "byte": "aGVsbG8=",
            "binary": [104, 105],
            "string": "s",
            "boolean": true,
            "password": "p",
            "email": "a@b.c",
            "unknownInteger": 7,
            "unknownNumber": 1.25,
        }));
        let _: i32 = f.int32;
        let _: f32 = f.float;
        assert_eq!(f.int64, 9_007_199_254_740_993);
        assert_eq!(f.date_time.offset().local_minus_utc(), 2 * 3600);
        assert_eq!(f.date, chrono::NaiveDate::from_ymd_opt(2024, 5, 6).unwrap());
        assert_eq!(f.uuid.to_string(), "0f8fad5b-d9cb-469f-a165-70867728950e");
        assert_eq!(f.byte, "aGVsbG8=");
        assert_eq!(f.binary, b"hi".to_vec());
        assert_eq!(f.unknown_integer, Some(7_i64));
        assert_eq!(f.unknown_number, Some(1.25_f64));
    }

    #[test]
    fn out_of_range_and_malformed_values_fail() {
        let base = json!({
            "int32": 1, "int64": 1, "integer": 1, "float": 1.0, "double": 1.0, "number": 1.0,
            "dateTime": "2024-05-06T07:08:09Z", "date": "2024-05-06",
            "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "byte": "", "binary": [],
            "string": "", "boolean": false,
        });
        serde_json::from_value::<Formats>(base.clone()).expect("the base decodes");
        for (key, bad) in [
            ("int32", json!(3_000_000_000_i64)),
            ("dateTime", json!("yesterday")),
            ("date", json!("2024-13-01")),
            ("uuid", json!("not-a-uuid")),
        ] {
            let mut value = base.clone();
            value[key] = bad;
            fails::<Formats>(value);
        }
    }
}

mod collections {
    use super::*;
    use snapshot_crate::collections::types::{
        Collections, Extensible, ExtensibleAny, ExtensibleNullable, ExtensibleNullableLevel, Item, ItemList, StringMap,
    };

    #[test]
    fn arrays_and_maps() {
        let c: Collections = roundtrip(json!({
            "strings": ["a"],
            "matrix": [[1.0, 2.5], []],
            "untypedItems": [1, "x", null],
            "counts": {"a": 1},
            "anything": {"a": [1], "b": null},
            "untyped": {"k": {"deep": true}},
            "freeForm": {},
            "mapOfLists": {"x": [{"id": "1"}]},
        }));
        assert_eq!(c.matrix, Some(vec![vec![1.0, 2.5], vec![]]));
        assert_eq!(c.map_of_lists.unwrap()["x"], vec![Item::new("1")]);
        let list: ItemList = roundtrip(json!([{"id": "a"}, {"id": "b"}]));
        assert_eq!(list.len(), 2);
        let map: StringMap = roundtrip(json!({"a": "b"}));
        assert_eq!(map["a"], "b");
        fails::<StringMap>(json!({"a": 1}));
    }

    #[test]
    fn flattened_additional_properties() {
        let e: Extensible = roundtrip(json!({"kind": "k", "x": "1", "y": "2"}));
        assert_eq!(e.kind, "k");
        assert_eq!(e.additional_properties.len(), 2);
        assert_eq!(e.additional_properties["y"], "2");
        fails::<Extensible>(json!({"kind": "k", "x": 1}));
        let a: ExtensibleAny = roundtrip(json!({"kind": "k", "n": 1, "o": {"p": [null]}}));
        assert_eq!(a.additional_properties["o"], json!({"p": [null]}));
        let empty: ExtensibleAny = roundtrip(json!({}));
        assert!(empty.additional_properties.is_empty());
    }

    #[test]
    fn flattened_map_next_to_nullable_fields() {
        let e: ExtensibleNullable = roundtrip(json!({"count": 1}));
        assert_eq!((e.note.clone(), e.anything.clone(), e.level), (None, None, None));
        assert!(e.additional_properties.is_empty());
        let e: ExtensibleNullable =
            roundtrip(json!({"count": 1, "note": null, "anything": null, "level": 7, "x": null, "y": 2}));
        assert_eq!(e.note, Some(None));
        assert_eq!(e.anything, Some(Value::Null));
        assert_eq!(e.level, Some(ExtensibleNullableLevel::Other(7)));
        assert_eq!(e.additional_properties["x"], None);
        assert_eq!(e.additional_properties["y"], Some(2));
        let e: ExtensibleNullable = roundtrip(json!({"count": 1, "note": "n", "level": 2}));
        assert_eq!(e.note, Some(Some("n".into())));
        fails::<ExtensibleNullable>(json!({"count": 1, "z": "text"}));
    }
}

mod inline {
    use super::*;
    use snapshot_crate::inline::types::{
        City, Order, OrderCustomer, OrderCustomer2, OrderCustomer2Address, OrderStatus, Shipment, ShipmentFrom,
        ShipmentLegsItem, ShipmentReturnsItem, ShipmentTo, Town,
    };

    fn same_type<A: 'static, B: 'static>() -> bool {
        std::any::TypeId::of::<A>() == std::any::TypeId::of::<B>()
    }

    #[test]
    fn inline_objects_with_the_same_fields_are_one_type() {
        assert!(same_type::<ShipmentFrom, City>());
        assert!(same_type::<ShipmentTo, City>());
        assert!(same_type::<OrderCustomer2Address, City>());
        assert!(same_type::<ShipmentReturnsItem, ShipmentLegsItem>());
        assert!(!same_type::<Town, City>(), "components keep their own types");
        let s: Shipment = roundtrip(json!({"from": {"city": "Oslo"}, "to": {"city": "Bergen"}, "legs": [{"km": 1.5}]}));
        let to: City = s.to.unwrap();
        assert_eq!(to.city.as_deref(), Some("Bergen"));
        let _: Town = roundtrip(json!({"city": "Oslo"}));
    }

    #[test]
    fn inline_types_are_named_from_parent_and_property() {
        let o: Order = roundtrip(json!({
            "customer": {"name": "Ann", "address": {"city": "Oslo"}},
            "status": "closed",
            "lines": [{"sku": "A1"}],
            "extra": {"k": {"note": "n"}},
        }));
        let customer: OrderCustomer2 = o.customer.unwrap();
        let address: OrderCustomer2Address = customer.address.unwrap();
        assert_eq!(address.city.as_deref(), Some("Oslo"));
        assert_eq!(o.status, Some(OrderStatus::Closed));
        assert_eq!(o.lines.unwrap()[0].sku.as_deref(), Some("A1"));
        assert_eq!(o.extra.unwrap()["k"].note.as_deref(), Some("n"));
        // The component keeps its own name; the inline type that would collide does not.
        let c: OrderCustomer = roundtrip(json!({"id": "1"}));
        assert_eq!(c.id.as_deref(), Some("1"));
    }
}

mod composition {
    use super::*;
    use snapshot_crate::composition::types::{
        Cat, CatOrDog, Dog, Expr, Folder, IdOrName, Lizard, Merged, Pet, ShortMapping, Sum, TreeNode,
    };

    #[test]
    fn all_of_is_one_struct() {
        let m: Merged = roundtrip(json!({"id": "1", "note": "n", "extra": 2}));
        assert_eq!((m.id.as_str(), m.note.as_deref(), m.extra), ("1", Some("n"), 2));
        fails::<Merged>(json!({"id": "1"}));
        fails::<Merged>(json!({"extra": 2}));
    }

    #[test]
    fn tagged_union_follows_the_mapping() {
        let pet: Pet = roundtrip(json!({"petType": "kitty", "meow": true}));
        assert!(matches!(&pet, Pet::Cat(Cat { meow: true, .. })));
        let pet: Pet = roundtrip(json!({"petType": "dog", "bark": "woof"}));
        assert!(matches!(&pet, Pet::Dog(Dog { bark: Some(_), .. })));
        // Not in the mapping: the schema name is the tag.
        let pet: Pet = roundtrip(json!({"petType": "Lizard", "scales": 3}));
        assert_eq!(pet, Pet::Lizard(Lizard::new().scales(3)));
        // Encoding adds the tag when the member does not carry it.
        assert_eq!(serde_json::to_value(Pet::Lizard(Lizard::new())).unwrap(), json!({"petType": "Lizard"}));
        fails::<Pet>(json!({"petType": "fish"}));
        fails::<Pet>(json!({"meow": true}));
        fails::<Pet>(json!({"petType": "cat"}));
        assert!(matches!(roundtrip::<ShortMapping>(json!({"petType": "c", "meow": true})), ShortMapping::Cat(_)));
        assert!(matches!(roundtrip::<ShortMapping>(json!({"petType": "d"})), ShortMapping::Dog(_)));
        fails::<ShortMapping>(json!({"petType": "Cat", "meow": true}));
    }

    #[test]
    fn untagged_unions_pick_the_member_that_fits() {
        assert!(matches!(roundtrip::<CatOrDog>(json!({"petType": "x", "meow": false})), CatOrDog::Cat(_)));
        assert!(matches!(roundtrip::<CatOrDog>(json!({"petType": "x"})), CatOrDog::Dog(_)));
        assert_eq!(roundtrip::<IdOrName>(json!(5)), IdOrName::Integer(5));
        assert_eq!(roundtrip::<IdOrName>(json!("five")), IdOrName::String("five".into()));
        assert_eq!(roundtrip::<IdOrName>(json!(["a"])), IdOrName::Array(vec!["a".into()]));
        assert!(matches!(roundtrip::<IdOrName>(json!({"name": "n"})), IdOrName::Object(_)));
        fails::<IdOrName>(json!(true));
    }

    #[test]
    fn recursive_types_nest() {
        let tree: TreeNode = roundtrip(json!({
            "value": 1,
            "parent": {"value": 0, "parent": {"value": -1}},
            "children": [{"value": 2, "children": [{"value": 3}]}],
        }));
        assert_eq!(tree.parent.as_ref().unwrap().parent.as_ref().unwrap().value, -1);
        assert_eq!(tree.children.as_ref().unwrap()[0].children.as_ref().unwrap()[0].value, 3);
        let expr: Expr =
            roundtrip(json!({"left": {"value": 1.5}, "right": {"left": {"value": 2.5}, "right": {"value": -3.5}}}));
        let Expr::Sum(sum) = expr else { panic!("a sum") };
        let Sum { left, right, .. } = *sum;
        assert!(matches!(*left, Expr::Literal(_)));
        assert!(matches!(*right, Expr::Sum(_)));
        let folder: Folder = roundtrip(json!({
            "id": "a",
            "parent": {"id": "root"},
            "children": [{"id": "b", "children": []}],
        }));
        assert_eq!(folder.parent.as_ref().unwrap().id, "root");
        assert_eq!(folder.children.as_ref().unwrap()[0].id, "b");
    }
}

mod defaults {
    use super::*;
    use snapshot_crate::defaults::types::{Settings, SettingsSort};

    #[test]
    fn an_absent_property_reads_as_its_default_and_stays_absent() {
        let s: Settings = roundtrip(json!({}));
        assert_eq!(s, Settings::default());
        assert_eq!(*s.page_size, 20);
        assert_eq!(*s.sort, SettingsSort::Asc);
        assert!(!*s.verbose);
        assert_eq!(s.label.as_str(), "none");
        assert!(s.tags.is_empty());
        assert!(!s.page_size.is_present());
    }

    #[test]
    fn a_given_value_is_kept_and_sent_even_when_it_equals_the_default() {
        let s: Settings = roundtrip(json!({"pageSize": 20, "sort": "desc", "tags": ["a"]}));
        assert!(s.page_size.is_present());
        assert_eq!(*s.page_size, 20);
        assert_eq!(*s.sort, SettingsSort::Desc);
        assert_eq!(s.tags.get(), &vec!["a".to_string()]);
        let chosen = Settings::new().verbose(true);
        assert_eq!(serde_json::to_value(&chosen).unwrap(), json!({"verbose": true}));
    }
}

mod docs {
    use super::*;
    use snapshot_crate::docs::types::{Documented, Mood};

    #[test]
    fn odd_enum_values_roundtrip() {
        for (wire, value) in [
            ("`tick`", Mood::Tick),
            ("a*/b", Mood::AStarB),
            ("[x]", Mood::X),
            ("<y>", Mood::LtYGt),
            ("back\\slash", Mood::BackSlash),
            ("\"quoted\"", Mood::Quoted),
        ] {
            assert_eq!(roundtrip::<Mood>(json!(wire)), value);
        }
        let d: Documented = roundtrip(json!({"field": "f", "count": 1, "comment": "c", "we`ird[0]": "w"}));
        assert_eq!(d.count, Some(1));
    }
}

mod odd {
    use super::*;
    use snapshot_crate::odd::types::{
        AliasOfAlias, AllOfNonObjects, AnyOfOneRef, DeepArrays, DeepMaps, EmptyObject, EnumWithNull, MixedUnion,
        MixedUnionString, NoSchemaAtAll, OneOfOne, OneOfPrimitivesOnly, SelfMap, Symbols, TaggedDuplicates,
        UntaggedDuplicates,
    };

    #[test]
    fn odd_schemas_decode() {
        let e: EmptyObject = roundtrip(json!({"anything": [1, {"goes": null}]}));
        assert_eq!(e.len(), 1);
        let _: NoSchemaAtAll = roundtrip(json!([null, 1, "x"]));
        let _: AllOfNonObjects = roundtrip(json!("text"));
        let _: OneOfOne = roundtrip(json!(3));
        let deep: DeepArrays = roundtrip(json!([[[[[1, 2]]], []]]));
        assert_eq!(deep[0][0][0][0], vec![1, 2]);
        let _: AliasOfAlias = deep;
        let s: Symbols = roundtrip(json!({
            "$": "a", "%": "b", "!!": "c", "...": "d", "+": 1, "-": 2, "*": true, "@": "e", "#": "f", "~/": "g",
        }));
        assert_eq!((s.plus, s.minus, s.star), (Some(1), Some(2), Some(true)));
        let same: AnyOfOneRef = s;
        assert_eq!(same.at.as_deref(), Some("e"));
        let m: SelfMap = roundtrip(json!({"a": {"b": {}}}));
        assert_eq!(m["a"], json!({"b": {}}));
        assert_eq!(roundtrip::<EnumWithNull>(json!("a")), EnumWithNull::A);
        assert_eq!(roundtrip::<Option<EnumWithNull>>(json!(null)), None);
        assert_eq!(roundtrip::<OneOfPrimitivesOnly>(json!(true)), OneOfPrimitivesOnly::Boolean(true));
        assert_eq!(roundtrip::<OneOfPrimitivesOnly>(json!(1.5)), OneOfPrimitivesOnly::Number(1.5));
        assert_eq!(roundtrip::<MixedUnion>(json!("x")), MixedUnion::String(MixedUnionString::X));
        assert!(matches!(roundtrip::<MixedUnion>(json!({"a": "b"})), MixedUnion::EmptyObject(_)));
    }

    #[test]
    fn duplicate_union_members_are_listed_once() {
        let t: TaggedDuplicates = roundtrip(json!({"@": "EmptyObject", "$": "x"}));
        // One variant only: the tags go to the first member that claims them.
        let TaggedDuplicates::Symbols(s) = t else { panic!("one variant") };
        assert_eq!(s.at.as_deref(), Some("EmptyObject"));
        assert!(matches!(roundtrip::<TaggedDuplicates>(json!({"@": "sym"})), TaggedDuplicates::Symbols(_)));
        fails::<TaggedDuplicates>(json!({"@": "Symbols"}));
        assert!(matches!(roundtrip::<UntaggedDuplicates>(json!([[[[[1]]]]])), UntaggedDuplicates::DeepArrays(_)));
        assert!(matches!(roundtrip::<UntaggedDuplicates>(json!("s")), UntaggedDuplicates::String(_)));
        let d: DeepMaps = roundtrip(json!({"nested": {"a": {"b": [{"c": ["x", null]}]}}}));
        assert_eq!(d.nested.unwrap()["a"]["b"][0]["c"], vec![Some("x".to_string()), None]);
    }
}

/// A one-shot HTTP/1.1 server: answers the first request with `reply` and hands the
/// request (head and body, as text with the body lossily decoded) back.
struct OneShot {
    url: String,
    request: std::thread::JoinHandle<(String, Vec<u8>)>,
}

impl OneShot {
    fn reply(status: u16, content_type: &str, body: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds to loopback");
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let reply = if content_type.is_empty() {
            format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
        } else {
            format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        };
        let request = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("a request arrives");
            stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
            let mut data = Vec::new();
            let mut buf = [0_u8; 4096];
            let head_end = loop {
                let n = stream.read(&mut buf).expect("reads the request");
                assert!(n > 0, "connection closed before the request head ended");
                data.extend_from_slice(&buf[..n]);
                if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
            };
            let head = String::from_utf8_lossy(&data[..head_end]).to_string();
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            while data.len() < head_end + length {
                let n = stream.read(&mut buf).expect("reads the body");
                assert!(n > 0, "connection closed before the body ended");
                data.extend_from_slice(&buf[..n]);
            }
            stream.write_all(reply.as_bytes()).unwrap();
            stream.flush().unwrap();
            (head, data[head_end..].to_vec())
        });
        Self { url, request }
    }

    fn request(self) -> (String, Vec<u8>) {
        self.request.join().expect("the server thread ends")
    }
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

mod client {
    use super::*;
    use snapshot_crate::client::types::{ListPetsStatus, NewPet, Photo, Problem, UploadPhotoRequest};
    use snapshot_crate::client::{
        server_url, Client, CreatePetBody, CreatePetError, CreatePetReply, ListPetsParams, ListPetsReply, LoginReply,
        UploadPhotoParams, UploadPhotoReply, DEFAULT_BASE_URL,
    };
    use snapshot_crate::runtime;

    fn client(url: &str) -> Client {
        Client::builder().base_url(url).bearer_token("TOKEN").api_key("KEY").build().expect("builds")
    }

    #[test]
    fn server_variables() {
        assert_eq!(DEFAULT_BASE_URL, "https://eu.api.example.com/v1");
        assert_eq!(server_url("us"), "https://us.api.example.com/v1");
        let client = Client::builder().build().expect("the default server");
        assert_eq!(client.transport().base_url(), "https://eu.api.example.com/v1");
        let client = Client::builder().server_variable("region", "us").build().expect("a filled variable");
        assert_eq!(client.transport().base_url(), "https://us.api.example.com/v1");
        let error = Client::builder().server_variable("zone", "us").build().expect_err("no such variable");
        assert!(matches!(error, runtime::BuildError::InvalidServerVariable { .. }), "{error:?}");
    }

    #[tokio::test]
    async fn query_arrays_headers_and_a_second_2xx() {
        let server = OneShot::reply(206, "application/json", r#"{"next":"n"}"#);
        let response = client(&server.url)
            .list_pets(ListPetsParams { limit: 10 })
            .tags(vec!["a".to_string(), "b c".to_string()])
            .ids(vec![1, 2])
            .status(ListPetsStatus::Sold)
            .await
            .expect("206 is documented");
        assert_eq!(response.status.as_u16(), 206);
        let ListPetsReply::PartialContent(page) = response.body else { panic!("206 → PartialContent") };
        assert_eq!(page.next.as_deref(), Some("n"));
        let (head, _) = server.request();
        let line = head.lines().next().unwrap();
        assert!(line.starts_with("GET /v1/pets?"), "{line}");
        assert!(line.contains("tags=a&tags=b%20c"), "exploded array: {line}");
        assert!(line.contains("ids=1,2") || line.contains("ids=1%2C2"), "joined array: {line}");
        assert!(line.contains("status=sold") && line.contains("limit=10"), "{line}");
        // The first alternative the client has credentials for: the API key header.
        assert_eq!(header(&head, "x-api-key"), Some("KEY"), "{head}");
        assert_eq!(header(&head, "authorization"), None, "{head}");
    }

    #[tokio::test]
    async fn form_body_and_204() {
        let server = OneShot::reply(204, "", "");
        let body = CreatePetBody::Form(NewPet::new("Rex & Co").age(3));
        let response = client(&server.url).create_pet(body).await.expect("204 is documented");
        assert_eq!(response.body, CreatePetReply::NoContent);
        let (head, body) = server.request();
        assert!(head.starts_with("POST /v1/pets "), "{head}");
        assert_eq!(header(&head, "authorization"), Some("Bearer TOKEN"));
        assert_eq!(header(&head, "content-type"), Some("application/x-www-form-urlencoded"));
        let body = String::from_utf8(body).unwrap();
        let mut pairs: Vec<&str> = body.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(pairs, ["age=3", "name=Rex%20%26%20Co"], "{body}");
    }

    #[tokio::test]
    async fn json_body_and_documented_error() {
        let server = OneShot::reply(404, "", "");
        let error = client(&server.url)
            .create_pet(NewPet::new("Rex"))
            .await
            .expect_err("404 is an error");
        // A documented error status without a schema keeps status, headers and body.
        assert!(matches!(&error, runtime::Error::Status { .. }), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let (head, body) = server.request();
        assert!(header(&head, "content-type").unwrap().starts_with("application/json"), "{head}");
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({"name": "Rex"}));
    }

    #[tokio::test]
    async fn default_response_covers_other_statuses() {
        let server = OneShot::reply(500, "application/json", r#"{"title":"boom","status":500}"#);
        let error = client(&server.url).create_pet(CreatePetBody::Text("hi".into())).await.expect_err("500");
        let runtime::Error::Api { body: CreatePetError::Default(problem), .. } = error else { panic!("{error:?}") };
        assert_eq!(problem, Problem::new().title("boom").status(500));
        let (head, body) = server.request();
        assert!(header(&head, "content-type").unwrap().starts_with("text/plain"), "{head}");
        assert_eq!(body, b"hi");

        // The operation lists successes, so `default` describes errors: a 2xx that matches
        // it is an error body too, one that does not is an untyped status.
        let server = OneShot::reply(299, "application/json", r#"{"title":"odd"}"#);
        let error = client(&server.url).create_pet(CreatePetBody::Bytes(vec![0, 1])).await.expect_err("299");
        let runtime::Error::Api { status, body: CreatePetError::Default(problem), .. } = error else { panic!("{error:?}") };
        assert_eq!((status.as_u16(), problem), (299, Problem::new().title("odd")));
        let (head, body) = server.request();
        assert_eq!(header(&head, "content-type"), Some("application/octet-stream"));
        assert_eq!(body, [0, 1]);

        // A body that does not match `default` is not a decode failure.
        let server = OneShot::reply(502, "text/html", "<html>bad gateway</html>");
        let error = client(&server.url).create_pet(CreatePetBody::Bytes(vec![0])).await.expect_err("502");
        let runtime::Error::Status { status, body, .. } = &error else { panic!("{error:?}") };
        assert_eq!((status.as_u16(), body.as_bytes()), (502, &b"<html>bad gateway</html>"[..]));
        assert!(error.to_string().contains("bad gateway"), "{error}");
        server.request();
    }

    #[tokio::test]
    async fn text_response_and_undocumented_status() {
        let server = OneShot::reply(202, "text/plain", "queued");
        let response = client(&server.url).create_pet(NewPet::new("a")).await.unwrap();
        assert_eq!(response.body, CreatePetReply::Accepted("queued".into()));
        server.request();

        let server = OneShot::reply(503, "", "busy");
        let error = client(&server.url).list_pets(ListPetsParams { limit: 1 }).await.expect_err("503 is not documented");
        assert!(matches!(error, runtime::Error::Status { .. }), "{error:?}");
        assert_eq!(error.raw_body().map(|b| b.as_bytes()), Some(&b"busy"[..]));
        server.request();
    }

    #[tokio::test]
    async fn multipart_upload_with_path_and_header_parameters() {
        let server = OneShot::reply(201, "application/json", r#"{"id":9,"url":"u"}"#);
        let upload = UploadPhotoRequest::new(b"PNGDATA".to_vec()).caption("cap");
        let response = client(&server.url).upload_photo(7, UploadPhotoParams { x_trace: "trace-1".into() }, upload).await.expect("201");
        assert_eq!(response.body, UploadPhotoReply::Created(Photo::new(9).url("u")));
        let (head, body) = server.request();
        assert!(head.starts_with("POST /v1/pets/7/photos "), "{head}");
        assert_eq!(header(&head, "x-trace"), Some("trace-1"));
        assert!(header(&head, "content-type").unwrap().starts_with("multipart/form-data; boundary="), "{head}");
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("name=\"file\"") && body.contains("PNGDATA"), "{body}");
        assert!(body.contains("name=\"caption\"") && body.contains("cap"), "{body}");
        assert!(!body.contains("name=\"takenAt\""), "absent optional parts are left out: {body}");
    }

    #[tokio::test]
    async fn a_path_parameter_named_params_and_a_required_header() {
        use snapshot_crate::client::{TagThingParams, TagThingReply};
        let server = OneShot::reply(204, "", "");
        let response = client(&server.url)
            .tag_thing("p 1", TagThingParams { x_tag: "blue".into() })
            .await
            .expect("204");
        assert_eq!(response.body, TagThingReply::NoContent);
        let (head, _) = server.request();
        assert!(head.starts_with("PUT /v1/tags/p%201 "), "{head}");
        assert_eq!(header(&head, "x-tag"), Some("blue"));
    }

    #[tokio::test]
    async fn a_default_only_response_is_the_success_too() {
        use snapshot_crate::client::{GetStatusError, GetStatusReply, LogoutReply};
        let cases: [(u16, &str, &str); 4] = [
            (200, "application/json", r#"{"id":1}"#),
            (200, "text/html", "<html>"),
            (500, "application/json", r#"{"id":2}"#),
            (500, "text/plain", "oops"),
        ];
        let mut outcomes = Vec::new();
        for (status, content_type, body) in cases {
            let server = OneShot::reply(status, content_type, body);
            outcomes.push(client(&server.url).get_status().await);
            server.request();
        }
        let [ok, html, api, text] = outcomes.try_into().unwrap();
        assert_eq!(ok.expect("a matching 200").body, GetStatusReply::Default(Photo::new(1)));
        assert!(matches!(html, Err(runtime::Error::Status { status, .. }) if status == 200));
        let Err(runtime::Error::Api { status, body: GetStatusError::Default(photo), .. }) = api else {
            panic!("{api:?}")
        };
        assert_eq!((status.as_u16(), photo), (500, Photo::new(2)));
        assert!(matches!(text, Err(runtime::Error::Status { status, .. }) if status == 500));

        let server = OneShot::reply(200, "", "");
        assert_eq!(client(&server.url).logout().await.expect("200").body, LogoutReply::Default);
        server.request();
        let server = OneShot::reply(200, "application/octet-stream", "PNG");
        let avatar = client(&server.url).get_avatar().await.expect("200");
        assert_eq!(avatar.body, snapshot_crate::client::GetAvatarReply::Default(b"PNG".to_vec()));
        server.request();
        let server = OneShot::reply(404, "application/octet-stream", "none");
        let error = client(&server.url).get_avatar().await.expect_err("404");
        let runtime::Error::Api { body: snapshot_crate::client::GetAvatarError::Default(bytes), .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(bytes, b"none");
        server.request();

        let server = OneShot::reply(500, "text/plain", "down");
        let error = client(&server.url).logout().await.expect_err("500");
        assert!(matches!(&error, runtime::Error::Status { .. }), "{error:?}");
        assert_eq!(error.to_string(), "the server replied 500 Internal Server Error: down");
        server.request();
    }

    #[tokio::test]
    async fn required_credentials_are_checked_before_sending() {
        // Nothing listens on the discard port: the error comes before any connection.
        let client = Client::builder().base_url("http://127.0.0.1:9").build().expect("builds");
        let error = client.create_pet(NewPet::new("Rex")).await.expect_err("no credentials");
        assert!(
            matches!(error, runtime::Error::MissingCredentials { operation: "createPet", .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("bearerAuth"), "{error}");
    }

    #[tokio::test]
    async fn an_operation_without_security_sends_no_credentials() {
        let server = OneShot::reply(200, "application/octet-stream", "raw");
        let response = client(&server.url).login().await.expect("200");
        assert_eq!(response.body, LoginReply::Ok(b"raw".to_vec()));
        let (head, _) = server.request();
        assert_eq!(header(&head, "authorization"), None, "{head}");
        assert_eq!(header(&head, "x-api-key"), None, "{head}");
    }
}

/// Names a spec chose that the generator or the runtime macros also use: the crate
/// compiles (schemas `A`, `D`, `S`, `Fields`; properties `map`, `key`, `out`; a module
/// from a file named `lib`), and setters never shadow trait methods.
mod hygiene {
    use super::*;
    use snapshot_crate::lib_api::types::{Fields, Methods, A, D, S};

    #[test]
    fn helper_names_are_free_for_specs() {
        let fields = Fields::new("m", "k").out("o").serializer("s");
        let a = A::new(D::new().s(S::new().fields(fields)));
        let a: A = roundtrip(serde_json::to_value(&a).unwrap());
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"d": {"s": {"fields": {"map": "m", "key": "k", "out": "o", "serializer": "s"}}}})
        );
        fails::<Fields>(json!({"map": "m"}));
    }

    #[test]
    fn setters_named_like_trait_methods_do_not_shadow_them() {
        let m = Methods::new().with_clone(3).with_new("n").note_null().note_null_2("x");
        // `.clone()` and `==` are still the derived ones.
        let copy = m.clone();
        assert!(copy == m);
        assert_eq!(
            serde_json::to_value(&copy).unwrap(),
            json!({"new": "n", "clone": 3, "note": null, "note_null": "x"})
        );
    }
}

/// Typed construction: `new` takes the required properties, setters the rest, and
/// what is not set is not sent.
mod construction {
    use super::*;
    use snapshot_crate::defaults::types::Settings;
    use snapshot_crate::presence::types::{Child, Presence};

    #[test]
    fn required_optional_null_and_default_fields_from_rust() {
        let p = Presence::new("r", json!({"any": 1}))
            .required_nullable("rn")
            .optional(7)
            .optional_nullable_null()
            .optional_ref(Child::new().a("c"))
            .nullable_items(vec![Some("x".to_string()), None]);
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({
                "required": "r",
                "requiredNullable": "rn",
                "optional": 7,
                "optionalNullable": null,
                "requiredAny": {"any": 1},
                "optionalRef": {"a": "c"},
                "nullableItems": ["x", null],
            })
        );
        // A required-but-nullable property that is not set is sent as `null`.
        assert_eq!(
            serde_json::to_value(Presence::new("r", 1)).unwrap(),
            json!({"required": "r", "requiredNullable": null, "requiredAny": 1})
        );
        // A default-valued property left unset reads as its default and is not sent.
        let s = Settings::new().label("x");
        assert_eq!(*s.page_size, 20);
        assert_eq!(serde_json::to_value(&s).unwrap(), json!({"label": "x"}));
    }
}

/// Enums the typed parser could not read keep every value (or are JSON, with a
/// reported fallback), and an enum's values can grow without breaking a `match`.
mod odd_enums {
    use super::*;
    use snapshot_crate::odd::types::{HugeIntEnum, LooseIntEnum, MixedEnum, UntypedStringEnum};

    #[test]
    fn values_are_not_lost() {
        let huge: HugeIntEnum = roundtrip(json!(18446744073709551615_u64));
        assert_eq!(huge, json!(18446744073709551615_u64));
        // `type: string, enum: [a, 1, true, null]`: a string enum of the values' text.
        for (v, variant) in [
            (json!("a"), MixedEnum::A),
            (json!("1"), MixedEnum::V1),
            (json!("true"), MixedEnum::True),
        ] {
            assert_eq!(roundtrip::<MixedEnum>(v), variant);
        }
        let loose: LooseIntEnum = roundtrip(json!(2));
        assert_eq!(loose, LooseIntEnum::Value2);
        let untyped: UntypedStringEnum = roundtrip(json!("queued"));
        assert_eq!(untyped, UntypedStringEnum::Queued);
    }
}

/// Shapes of real documents: enums whose values are written in another JSON type than
/// their `type`, and `allOf`s of scalars of one type.
mod corpus_shapes {
    use super::*;
    use snapshot_crate::corpus_shapes::types::{AspectRatio, Color, Holder, Scopes, TypeLevel};

    #[test]
    fn values_written_in_another_json_type_decode_as_their_type_says() {
        assert_eq!(roundtrip::<AspectRatio>(json!("969")), AspectRatio::V969);
        // A string the spec does not list still decodes (open enums).
        assert_eq!(roundtrip::<AspectRatio>(json!("11")), AspectRatio::Other("11".into()));
        // The document's `type` is `string`: a JSON number is not one.
        fails::<AspectRatio>(json!(969));
        assert_eq!(roundtrip::<Scopes>(json!(4)), Scopes::Value4);
        fails::<Scopes>(json!("4"));
    }

    #[test]
    fn nullable_enums_and_scalar_all_of_fields() {
        let h: Holder = roundtrip(json!({"ratio": "556", "level": null, "color": "red"}));
        assert_eq!(h.level, None);
        assert_eq!(h.color, Some(Color::Red));
        let h: Holder = roundtrip(json!({"ratio": "184", "level": "latest", "scopes": 8}));
        assert_eq!(h.level, Some(TypeLevel::Latest));
        assert_eq!(h.scopes, Some(Scopes::Value8));
        assert_eq!(
            serde_json::to_value(Holder::new(AspectRatio::V969).level(TypeLevel::V1)).unwrap(),
            json!({"ratio": "969", "level": "1"})
        );
    }
}

/// `allOf: [{$ref: X}, {description: ..}]` is X: the annotations reach the field.
mod annotated_all_of {
    use super::*;
    use snapshot_crate::composition::types::{Annotated, Base, BaseAlias};

    #[test]
    fn the_referenced_type_with_the_annotations_applied() {
        let a: Annotated = roundtrip(json!({"base": {"id": "b"}, "size": 3, "maybeBase": null}));
        assert_eq!(a.base, Base::new("b"));
        assert_eq!(a.maybe_base, Some(None));
        // `default: 10` from the annotation member.
        assert_eq!(*a.limit, 10);
        let alias: BaseAlias = Base::new("c");
        let built = Annotated::new(alias, 7).maybe_base_null().limit(5);
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            json!({"base": {"id": "c"}, "size": 7, "maybeBase": null, "limit": 5})
        );
    }
}

/// OpenAPI 3.1 documents: type lists, `const`, numeric exclusive bounds, a `$ref` with a
/// sibling, `$defs`, `contentEncoding`.
mod openapi31 {
    use super::*;
    use snapshot_crate::openapi31::types::{Thing, ThingKind, ThingScore, ThingTag};

    #[test]
    fn three_one_constructs_round_trip() {
        let t: Thing = roundtrip(json!({
            "id": 1, "kind": "thing", "label": null, "data": "AAEC",
            "parent": {"id": 2, "kind": "thing"},
            "tag": {"name": "t"}, "score": "high",
        }));
        assert_eq!(t.kind, ThingKind::Thing);
        assert_eq!(t.label, Some(None));
        assert_eq!(t.tag, Some(ThingTag::new().name("t")));
        assert_eq!(t.score, Some(ThingScore::String("high".into())));
        assert_eq!(t.parent.map(|p| p.id), Some(2));
        fails::<Thing>(json!({"kind": "thing"}));
    }
}

/// `$ref`s into `paths`, into a component's property, percent-encoded, and into
/// another file.
mod refs {
    use super::*;
    use snapshot_crate::refs::types::{Detail, DiskFilesystem, FooBar, Order, OrdersGet404, Problem};

    #[test]
    fn every_ref_form_resolves_to_a_type() {
        let order = Order::new("o1")
            .status(DiskFilesystem::Xfs)
            .missing(OrdersGet404::new().reason("gone"))
            .spaced(FooBar::new().a("x"))
            .problem(Problem::new("p").detail(Detail::new().code(7)));
        let back: Order = roundtrip(serde_json::to_value(&order).unwrap());
        assert_eq!(back, order);
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            json!({"id": "o1", "status": "xfs", "missing": {"reason": "gone"}, "spaced": {"a": "x"},
                   "problem": {"title": "p", "detail": {"code": 7}}})
        );
    }
}
