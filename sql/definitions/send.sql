-- rohrpost.send(group(s), type, object) appends a message to the journal in the caller's
-- transaction, numbered like a row change, so it is sent only if the transaction commits,
-- ordered with row changes, and resumable with `since`. Its journal row has kind
-- 'message:<type>', no table (table_name ''), and the groups it goes to; on the wire it is
-- a subscription-update whose data is {"type": <type>, "group": <group>, "object": <object>}.
CREATE OR REPLACE FUNCTION rohrpost.send(groups text[], type text, object jsonb) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    targets text[];
BEGIN
    IF send.groups IS NULL OR cardinality(send.groups) = 0 THEN
        RAISE EXCEPTION 'rohrpost.send: groups must name at least one group';
    END IF;
    IF EXISTS (SELECT FROM unnest(send.groups) g WHERE g IS NULL OR g = '') THEN
        RAISE EXCEPTION 'rohrpost.send: a group must not be NULL or empty';
    END IF;
    IF send.type IS NULL OR send.type = '' THEN
        RAISE EXCEPTION 'rohrpost.send: type must not be NULL or empty';
    END IF;
    IF send.object IS NULL THEN
        RAISE EXCEPTION 'rohrpost.send: object must not be NULL'
            USING HINT = 'Pass ''null''::jsonb to send JSON null.';
    END IF;
    -- Each group once, in the order given.
    targets := rohrpost.group_difference(send.groups, '{}');
    INSERT INTO rohrpost.journal (seq, table_name, kind, object, groups)
        VALUES (rohrpost.next_event_seq(), '', 'message:' || send.type, send.object::json, targets);
END
$fn$;

COMMENT ON FUNCTION rohrpost.send(text[], text, jsonb) IS
    'Sends {"type": type, "group": <group>, "object": object} to each group as a subscription-update, when and only if the calling transaction commits, in commit order among row changes';

CREATE OR REPLACE FUNCTION rohrpost.send(group_name text, type text, object jsonb) RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT rohrpost.send(ARRAY[group_name], type, object)
$fn$;

COMMENT ON FUNCTION rohrpost.send(text, text, jsonb) IS
    'Sends {"type": type, "group": group_name, "object": object} to the group as a subscription-update, when and only if the calling transaction commits';
