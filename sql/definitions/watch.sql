-- watch(table, groups, columns, payload) generates one trigger function per table, with
-- the table's group templates, carried columns and change checks compiled in, which
-- appends one journal row per row change, as an AFTER INSERT OR UPDATE OR DELETE row
-- trigger named _rohrpost_capture.
--
-- A table that no other trigger can write from captures INSERT and DELETE per statement
-- instead: AFTER STATEMENT triggers with transition tables (_rohrpost_capture_insert,
-- _rohrpost_capture_delete) write all of a statement's rows in one journal INSERT, which
-- for 1,000 rows per statement cost the writer about half of what a row trigger does
-- (BENCHMARKS.md), and the same for one row. A statement trigger runs after every AFTER
-- row trigger of its statement, so where another trigger could write in between (a user
-- trigger, a foreign key's ON DELETE CASCADE / SET NULL / SET DEFAULT action) its changes
-- would be numbered before the rows that caused them: such a table keeps the row trigger
-- for all three. So do a partitioned table, a partition and a table in an inheritance tree
-- (a statement fires the statement triggers of the table it names only, while row
-- triggers see every affected row), and a table with a payload function (its function
-- runs per row anyway). The settings are kept in rohrpost.watched_tables, so
-- rewatch_all() (and installing new definitions) can make the triggers again.
--
-- The generated code names columns and depends on the table's other triggers, so after
-- ALTER TABLE on a watched table (add, drop, rename or retype a column; attach it as a
-- partition or make it inherit or be inherited), or CREATE TRIGGER on it, call
-- rohrpost.watch() again; a dropped or renamed column that the code names makes writes
-- to the table fail until then. (rohrpost-relay migrate, and so serve, regenerates the
-- triggers of tables whose other triggers or inheritance changed: rewatch_tables.sql.)
--
-- payload => 'schema.function': a function taking the table's row type and returning
-- jsonb, whose result is the event's object. An update is then sent when the payload or
-- the row's groups changed; a NULL payload sends nothing for that change; when the
-- function raises, the writer's statement fails with its error.
CREATE OR REPLACE FUNCTION rohrpost.watch(table_name regclass, groups text[] DEFAULT NULL, columns text[] DEFAULT NULL,
                               payload text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $watch$
DECLARE
    tbl regclass := watch.table_name;
    rel record;
    qualified text;             -- schema.table, quoted as needed
    names name[];               -- all columns, table order
    types oid[];
    not_nulls boolean[];
    carried integer[];          -- indexes into names: the carried columns
    group_columns integer[] := '{}';  -- indexes into names: the templates' columns
    templates text[];
    template text;
    pk name[];
    unknown text[];
    literals text[];
    placeholders text[];
    pieces_new text[];
    pieces_old text[];
    pieces_row text[];
    i integer;
    k integer;
    codes_new text[] := '{}';
    codes_old text[] := '{}';
    codes_row text[] := '{}';   -- the groups' code for a transition row, n
    any_nullable boolean := false;
    groups_new text;
    groups_old text;
    groups_row text;
    groups_changed text;
    object_new text;
    object_old text;
    object_row text;
    updated_code text;
    fn text;
    object_type text;
    old_config record;
    body text;
    payload_fn regprocedure;    -- the payload function, if any
    update_prepare text;        -- code run first for an UPDATE: the payloads
    update_unchanged text;      -- true when the event would carry nothing new
    update_object_new text;     -- the update's object, and the old one
    update_object_old text;
    update_null_check text;     -- with a payload function: an update whose payload is NULL sends nothing
    journal_insert text;        -- the journal INSERT of one create or delete event (table, kind, object, groups)
    skip_null text;             -- with a payload function: runs a journal INSERT only when the payload is not NULL
    insert_code text;           -- the generated code of an INSERT, and of a DELETE
    delete_code text;
    statement_level boolean;    -- INSERT and DELETE captured per statement (see the top)
    statement_insert text;      -- the journal INSERT of a statement's created or deleted rows
    trigger_name name;
BEGIN
    IF tbl IS NULL THEN
        RAISE EXCEPTION 'rohrpost.watch: table_name must not be NULL';
    END IF;
    SELECT c.relname, c.relkind, c.relispartition, n.nspname INTO rel
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = tbl;
    IF rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'rohrpost.watch: % is not a table', tbl;
    END IF;
    IF rel.nspname = 'rohrpost' THEN
        RAISE EXCEPTION 'rohrpost.watch: cannot watch rohrpost''s own table %', tbl;
    END IF;
    qualified := format('%I.%I', rel.nspname, rel.relname);
    -- CREATE TRIGGER takes this lock too; taking it first means no write to the table
    -- runs old code while this replaces it, and the columns read below stay put.
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', qualified);

    -- The payload function takes the table's row type and returns jsonb.
    IF watch.payload IS NOT NULL THEN
        payload_fn := pg_catalog.to_regprocedure(format('%s(%s)', watch.payload, qualified));
        IF payload_fn IS NULL THEN
            RAISE EXCEPTION 'rohrpost.watch: no payload function %(%): name a function, schema-qualified, that takes the table''s row type and returns jsonb', watch.payload, qualified
                USING HINT = format('For example: CREATE FUNCTION %s(t %s) RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT pg_catalog.to_jsonb(t) $$;', watch.payload, qualified);
        END IF;
        IF (SELECT p.prorettype <> 'jsonb'::regtype FROM pg_proc p WHERE p.oid = payload_fn) THEN
            RAISE EXCEPTION 'rohrpost.watch: payload function % returns %, not jsonb', payload_fn,
                (SELECT p.prorettype::regtype FROM pg_proc p WHERE p.oid = payload_fn);
        END IF;
    END IF;

    SELECT array_agg(a.attname ORDER BY a.attnum), array_agg(a.atttypid ORDER BY a.attnum),
           array_agg(a.attnotnull ORDER BY a.attnum)
        INTO names, types, not_nulls
        FROM pg_attribute a
        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped;
    IF names IS NULL THEN
        RAISE EXCEPTION 'rohrpost.watch: table % has no columns', tbl;
    END IF;

    -- The carried columns, always in table order.
    IF watch.columns IS NULL THEN
        carried := array(SELECT generate_series(1, cardinality(names)));
    ELSE
        IF cardinality(watch.columns) = 0 THEN
            RAISE EXCEPTION 'rohrpost.watch: columns must name at least one column of % (pass NULL to carry all columns)', tbl;
        END IF;
        unknown := array(SELECT coalesce(quote_ident(c), 'NULL') FROM unnest(watch.columns) c
                         WHERE c IS NULL OR c <> ALL (names::text[]));
        IF cardinality(unknown) > 0 THEN
            RAISE EXCEPTION 'rohrpost.watch: table % has no column %', tbl, array_to_string(unknown, ', ');
        END IF;
        carried := array(SELECT o FROM unnest(names) WITH ORDINALITY u(c, o)
                         WHERE c::text = ANY (watch.columns) ORDER BY o);
    END IF;

    -- The group templates, compiled into code for NEW and for OLD. The default is
    -- compiled from the key's columns directly, so braces in a table name are not
    -- read as placeholders.
    IF watch.groups IS NULL THEN
        SELECT array_agg(a.attname ORDER BY key.o) INTO pk
            FROM pg_index x
            CROSS JOIN unnest(x.indkey::int2[]) WITH ORDINALITY key(attnum, o)
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = key.attnum
            WHERE x.indrelid = tbl AND x.indisprimary;
        IF pk IS NULL THEN
            RAISE EXCEPTION 'table % has no primary key: pass groups => ARRAY[''...'']', tbl
                USING HINT = format('For example: SELECT rohrpost.watch(%L, groups => ARRAY[%L]);',
                                    tbl::text, rel.relname || '-{id}');
        END IF;
        templates := ARRAY[rel.relname || '-{' || array_to_string(pk, '}-{') || '}'];
        pieces_new := ARRAY[quote_literal(rel.relname || '-') || '::pg_catalog.text'];
        pieces_old := pieces_new;
        pieces_row := pieces_new;
        FOR k IN 1 .. cardinality(pk) LOOP
            IF k > 1 THEN
                pieces_new := pieces_new || '''-''::pg_catalog.text'::text;
                pieces_old := pieces_old || '''-''::pg_catalog.text'::text;
                pieces_row := pieces_row || '''-''::pg_catalog.text'::text;
            END IF;
            i := array_position(names, pk[k]);
            group_columns := group_columns || i;
            any_nullable := any_nullable OR NOT rohrpost.group_value_is_text_cast(types[i]);
            pieces_new := pieces_new || rohrpost.group_value_code('NEW', names[i], types[i]);
            pieces_old := pieces_old || rohrpost.group_value_code('OLD', names[i], types[i]);
            pieces_row := pieces_row || rohrpost.group_value_code('n', names[i], types[i]);
        END LOOP;
        codes_new := ARRAY[array_to_string(pieces_new, ' OPERATOR(pg_catalog.||) ')];
        codes_old := ARRAY[array_to_string(pieces_old, ' OPERATOR(pg_catalog.||) ')];
        codes_row := ARRAY[array_to_string(pieces_row, ' OPERATOR(pg_catalog.||) ')];
    ELSE
        IF cardinality(watch.groups) = 0 THEN
            RAISE EXCEPTION 'rohrpost.watch: groups must hold at least one template (pass NULL for the default %-{<primary key>})', rel.relname;
        END IF;
        templates := '{}';
        FOREACH template IN ARRAY watch.groups LOOP
            IF template IS NULL OR template = '' THEN
                RAISE EXCEPTION 'rohrpost.watch: a group template must not be NULL or empty';
            END IF;
            CONTINUE WHEN template = ANY (templates);
            templates := templates || template;
            -- '{column}' is a placeholder; other text, braces included, is literal.
            literals := regexp_split_to_array(template, '\{[^{}]*\}');
            placeholders := array(SELECT m[1] FROM regexp_matches(template, '\{([^{}]*)\}', 'g')
                                  WITH ORDINALITY r(m, o) ORDER BY o);
            pieces_new := '{}';
            pieces_old := '{}';
            pieces_row := '{}';
            FOR k IN 1 .. cardinality(literals) LOOP
                IF literals[k] <> '' THEN
                    pieces_new := pieces_new || (quote_literal(literals[k]) || '::pg_catalog.text');
                    pieces_old := pieces_old || (quote_literal(literals[k]) || '::pg_catalog.text');
                    pieces_row := pieces_row || (quote_literal(literals[k]) || '::pg_catalog.text');
                END IF;
                CONTINUE WHEN k > cardinality(placeholders);
                i := array_position(names::text[], placeholders[k]);
                IF i IS NULL THEN
                    RAISE EXCEPTION 'rohrpost.watch: group template "%" names column "%", which table % does not have', template, placeholders[k], tbl;
                END IF;
                IF i <> ALL (group_columns) THEN
                    group_columns := group_columns || i;
                END IF;
                pieces_new := pieces_new || rohrpost.group_value_code('NEW', names[i], types[i]);
                pieces_old := pieces_old || rohrpost.group_value_code('OLD', names[i], types[i]);
                pieces_row := pieces_row || rohrpost.group_value_code('n', names[i], types[i]);
                -- A NULL value gives no group; so does JSON null, e.g. in a json column.
                any_nullable := any_nullable OR NOT not_nulls[i]
                    OR NOT rohrpost.group_value_is_text_cast(types[i]);
            END LOOP;
            codes_new := codes_new || array_to_string(pieces_new, ' OPERATOR(pg_catalog.||) ');
            codes_old := codes_old || array_to_string(pieces_old, ' OPERATOR(pg_catalog.||) ');
            codes_row := codes_row || array_to_string(pieces_row, ' OPERATOR(pg_catalog.||) ');
        END LOOP;
    END IF;

    groups_new := rohrpost.groups_code(codes_new, any_nullable);
    groups_old := rohrpost.groups_code(codes_old, any_nullable);
    groups_row := rohrpost.groups_code(codes_row, any_nullable);
    -- Only when a template's column changed can the row's groups differ.
    groups_changed := coalesce(
        (SELECT string_agg(rohrpost.changed_code(names[c], types[c]), E'\n           OR ' ORDER BY c)
         FROM unnest(group_columns) c),
        'false');

    updated_code := 'pg_catalog.array_remove(ARRAY['
        || (SELECT string_agg(format(E'\n            CASE WHEN %s THEN %L::pg_catalog.text END',
                                     rohrpost.changed_code(names[c], types[c]), names[c]), ',' ORDER BY c)
            FROM unnest(carried) c)
        || E'\n        ], NULL::pg_catalog.text)';

    fn := 'capture_' || tbl::oid::text;
    object_type := 'object_' || tbl::oid::text;

    -- Replace what an earlier watch() generated; all of it commits or none.
    SELECT w.trigger_function, w.object_type INTO old_config
        FROM rohrpost.watched_tables w WHERE w.table_name = tbl;
    IF EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = '_rohrpost_capture'
               AND t.tgparentid <> 0) THEN
        RAISE EXCEPTION 'rohrpost.watch: % is a partition of a watched table; watch or unwatch that table', tbl;
    END IF;
    FOR trigger_name IN SELECT t.tgname FROM pg_trigger t
                        WHERE t.tgrelid = tbl AND t.tgname = ANY (rohrpost.capture_triggers()) LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', trigger_name, qualified);
    END LOOP;
    IF old_config.object_type IS NOT NULL THEN
        EXECUTE format('DROP TYPE IF EXISTS rohrpost.%I', old_config.object_type);
    END IF;
    PERFORM rohrpost.forget_dropped_tables();

    -- The object: to_json of the whole row is fastest when it carries all columns.
    -- Otherwise (named columns, which must stay so after ALTER TABLE ADD COLUMN, or
    -- a partitioned table, whose partitions may order their columns differently) a
    -- row type of the carried columns gives the same JSON, in the same compact
    -- format, for those columns.
    IF payload_fn IS NOT NULL THEN
        -- The payload function's result is the object; it may join, compute or drop
        -- anything. An update is sent when the payload (or the groups) changed.
        object_new := format('(%s(NEW))::pg_catalog.json', payload_fn::oid::regproc);
        object_row := NULL;
        object_old := format('(%s(OLD))::pg_catalog.json', payload_fn::oid::regproc);
        object_type := NULL;
    ELSIF watch.columns IS NULL AND rel.relkind = 'r' THEN
        object_new := 'pg_catalog.to_json(NEW)';
        object_old := 'pg_catalog.to_json(OLD)';
        object_row := 'pg_catalog.to_json(n.*)';
        object_type := NULL;
    ELSE
        EXECUTE format('CREATE TYPE rohrpost.%I AS (%s)', object_type,
            (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
             FROM pg_attribute a
             WHERE a.attrelid = tbl AND a.attname = ANY (SELECT names[c] FROM unnest(carried) c)));
        EXECUTE format('COMMENT ON TYPE rohrpost.%I IS %L', object_type,
            'The columns that rohrpost events of ' || qualified || ' carry (generated by rohrpost.watch)');
        object_new := format('pg_catalog.to_json(ROW(%s)::rohrpost.%I)',
            (SELECT string_agg(format('NEW.%I', names[c]), ', ' ORDER BY c) FROM unnest(carried) c), object_type);
        object_old := format('pg_catalog.to_json(ROW(%s)::rohrpost.%I)',
            (SELECT string_agg(format('OLD.%I', names[c]), ', ' ORDER BY c) FROM unnest(carried) c), object_type);
        object_row := format('pg_catalog.to_json(ROW(%s)::rohrpost.%I)',
            (SELECT string_agg(format('n.%I', names[c]), ', ' ORDER BY c) FROM unnest(carried) c), object_type);
    END IF;

    IF payload_fn IS NOT NULL THEN
        update_prepare := format(E'pn := %1$s(NEW);\n        po := %1$s(OLD);', payload_fn::oid::regproc);
        update_unchanged := '(pn IS NOT DISTINCT FROM po)';
        update_object_new := 'pn::pg_catalog.json';
        update_object_old := 'po::pg_catalog.json';
    ELSE
        update_prepare := '';
        update_unchanged := 'pg_catalog.cardinality(uf) OPERATOR(pg_catalog.=) 0';
        update_object_new := object_new;
        update_object_old := object_old;
    END IF;

    -- The journal row of an INSERT and of a DELETE is one statement with the event in it:
    -- PL/pgSQL builds a simple expression's state anew in every transaction, so each
    -- expression on the path of a one-row write costs that write (a variable, an IF, the
    -- numbering), and at 32 writers the one-statement form measured 1.55x a plain insert's
    -- CPU against 1.87x for the same work in steps (BENCHMARKS.md). An UPDATE decides what
    -- changed first, so it keeps its steps. A payload function's NULL sends nothing.
    journal_insert := $ins$INSERT INTO rohrpost.journal (seq, table_name, kind, object, groups)
            VALUES (rohrpost.next_event_seq(), %L, %L, %s, %s);$ins$;
    -- Per statement (see the top): the transition rows in the order they were written,
    -- numbered in that order.
    statement_level := rohrpost.captures_per_statement(tbl, payload_fn IS NOT NULL);
    statement_insert := $ins$INSERT INTO rohrpost.journal (seq, table_name, kind, object, groups)
            SELECT rohrpost.next_event_seq(), %L, %L, %s, %s FROM %s n;$ins$;
    IF statement_level THEN
        insert_code := format(statement_insert, qualified, 'create', object_row, groups_row, 'rohrpost_inserted');
        delete_code := format(statement_insert, qualified, 'delete', object_row, groups_row, 'rohrpost_deleted');
        update_null_check := '';
    ELSIF payload_fn IS NULL THEN
        insert_code := format(journal_insert, qualified, 'create', object_new, groups_new);
        delete_code := format(journal_insert, qualified, 'delete', object_old, groups_old);
        update_null_check := '';
    ELSE
        -- The payload first: when it is NULL the change sends nothing.
        skip_null := E'obj := %s;\n        IF obj IS NOT NULL THEN\n            %s\n        END IF;';
        insert_code := format(skip_null, object_new, format(journal_insert, qualified, 'create', 'obj', groups_new));
        delete_code := format(skip_null, object_old, format(journal_insert, qualified, 'delete', 'obj', groups_old));
        update_null_check := E'IF obj IS NULL THEN\n        RETURN NULL;\n    END IF;';
    END IF;

    -- Everything in the generated code is schema-qualified (functions, tables, types,
    -- operators), so the writer's search_path cannot change what it does; it has no
    -- SET clause, which would cost a configuration change on every row. Names in it
    -- are quoted by %I and %L, and the body is passed as a %L literal, so no table
    -- or column name can end a quote.
    body := format($gen$
-- Generated by rohrpost.watch(): call rohrpost.watch() again to change it.
DECLARE
    obj pg_catalog.json;
    g pg_catalog.text[];
    og pg_catalog.text[];
    uf pg_catalog.text[];
    lg pg_catalog.text[];
    jg pg_catalog.text[];
    oobj pg_catalog.json;
    pn pg_catalog.jsonb;
    po pg_catalog.jsonb;
BEGIN
    IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
        %6$s
        RETURN NULL;
    ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
        %7$s
        RETURN NULL;
    END IF;

    uf := %2$s;
    %8$s
    IF %3$s THEN
        g := %4$s;
        og := %5$s;
        lg := rohrpost.group_difference(og, g);
        jg := rohrpost.group_difference(g, og);
        IF %9$s THEN
            -- Nothing the event carries changed: only the groups the row left or
            -- joined hear of it.
            IF pg_catalog.cardinality(lg) OPERATOR(pg_catalog.=) 0
               AND pg_catalog.cardinality(jg) OPERATOR(pg_catalog.=) 0 THEN
                RETURN NULL;
            END IF;
            g := '{}';
        ELSE
            g := rohrpost.group_difference(g, jg);
        END IF;
        IF pg_catalog.cardinality(lg) OPERATOR(pg_catalog.>) 0 THEN
            oobj := %11$s;
        END IF;
    ELSE
        -- An update that changes nothing the event carries and no group sends nothing.
        IF %9$s THEN
            RETURN NULL;
        END IF;
        g := %4$s;
        lg := '{}';
        jg := '{}';
    END IF;
    obj := %10$s;
    %12$s
    INSERT INTO rohrpost.journal
        (seq, table_name, kind, object, groups, updated_fields, left_groups, old_object, joined_groups)
        VALUES (rohrpost.next_event_seq(), %1$L, 'update', obj, g, uf, lg, oobj, jg);
    RETURN NULL;
END
$gen$, qualified, updated_code, groups_changed, groups_new, groups_old, insert_code, delete_code,
        update_prepare, update_unchanged, update_object_new, update_object_old, update_null_check);
    EXECUTE format('CREATE OR REPLACE FUNCTION rohrpost.%I() RETURNS trigger LANGUAGE plpgsql AS %L',
                   fn, body);

    EXECUTE format('COMMENT ON FUNCTION rohrpost.%I() IS %L', fn,
        'rohrpost events of ' || qualified || ' (generated by rohrpost.watch)');
    -- AFTER row triggers fire in name order. The leading underscore puts this one before
    -- lower-case names, so when another AFTER trigger changes the same row again,
    -- the change that fired it is journaled first.
    IF statement_level THEN
        EXECUTE format('CREATE TRIGGER _rohrpost_capture AFTER UPDATE ON %s'
                       ' FOR EACH ROW EXECUTE FUNCTION rohrpost.%I()', qualified, fn);
        EXECUTE format('CREATE TRIGGER _rohrpost_capture_insert AFTER INSERT ON %s'
                       ' REFERENCING NEW TABLE AS rohrpost_inserted FOR EACH STATEMENT EXECUTE FUNCTION rohrpost.%I()',
                       qualified, fn);
        EXECUTE format('CREATE TRIGGER _rohrpost_capture_delete AFTER DELETE ON %s'
                       ' REFERENCING OLD TABLE AS rohrpost_deleted FOR EACH STATEMENT EXECUTE FUNCTION rohrpost.%I()',
                       qualified, fn);
    ELSE
        EXECUTE format('CREATE TRIGGER _rohrpost_capture AFTER INSERT OR UPDATE OR DELETE ON %s'
                       ' FOR EACH ROW EXECUTE FUNCTION rohrpost.%I()', qualified, fn);
    END IF;

    INSERT INTO rohrpost.watched_tables AS w (table_name, groups, columns, trigger_function, object_type, payload)
        VALUES (tbl, templates,
                CASE WHEN watch.columns IS NULL THEN NULL
                     ELSE array(SELECT names[c]::text FROM unnest(carried) c ORDER BY c) END,
                fn, object_type, payload_fn)
        ON CONFLICT ON CONSTRAINT watched_tables_pkey DO UPDATE
        SET groups = excluded.groups, columns = excluded.columns,
            trigger_function = excluded.trigger_function, object_type = excluded.object_type,
            payload = excluded.payload,
            watched_at = now();
END
$watch$;

COMMENT ON FUNCTION rohrpost.watch(regclass, text[], text[], text) IS
    'Turns every committed INSERT, UPDATE and DELETE of the table into rohrpost events. groups: templates such as ''collection-{collection_id}'' (default <table>-{<primary key>}); columns: the columns events carry (default all); payload: a function (row type) -> jsonb whose result is the event''s object. Calling it again replaces the configuration; call it again after ALTER TABLE.';
