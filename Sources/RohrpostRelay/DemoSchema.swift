/// What `rohrpost-relay demo` installs in its database, shared with the tests of the live
/// page: the `todo` table, watched with three kinds of group, and the SQL handler the live
/// page calls for the rows it starts from.
public enum DemoSchema {
    /// The schema `--sql-handlers` names for the demo: it holds `live_rows`.
    public static let handlerSchema = "rohrpost_demo"

    /// Creates (when missing) and watches `public.todo` with a few rows, and (re)creates
    /// `rohrpost_demo.live_rows`. Safe to run again on the same database.
    public static let sql = """
        CREATE TABLE IF NOT EXISTS public.todo (
            id serial PRIMARY KEY,
            collection_id integer NOT NULL,
            title text NOT NULL,
            done boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO public.todo (collection_id, title)
        SELECT 1 + n % 2, 'task ' || n FROM generate_series(1, 5) AS n
        WHERE NOT EXISTS (SELECT 1 FROM public.todo);
        SELECT rohrpost.watch('public.todo',
            groups => ARRAY['todo', 'todo-{id}', 'collection-{collection_id}']);
        \(liveRowsSQL)
        """

    /// `live_rows(claims, data)`: the rows of the group `data` names (`{"type": "todo"}`,
    /// `{"type": "todo", "id": 3}`, `{"type": "collection", "id": 1}`), at most 500, and
    /// the journal position they are consistent with: one statement, one snapshot, so a
    /// subscribe with that position as `since` gets exactly the changes after them.
    public static let liveRowsSQL = """
        CREATE SCHEMA IF NOT EXISTS \(handlerSchema);
        CREATE OR REPLACE FUNCTION \(handlerSchema).live_rows(claims jsonb, data jsonb) RETURNS jsonb
        LANGUAGE sql STABLE
        AS $fn$
            SELECT jsonb_build_object(
                'rows', coalesce((
                    SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id) FROM (
                        SELECT * FROM public.todo t
                        WHERE CASE data->>'type'
                            WHEN 'todo' THEN data->'id' IS NULL OR t.id = (data->>'id')::integer
                            WHEN 'collection' THEN t.collection_id = (data->>'id')::integer
                            ELSE false END
                        ORDER BY t.id LIMIT 500) t),
                    '[]'::jsonb),
                'position', rohrpost.last_position())
        $fn$;
        """
}
