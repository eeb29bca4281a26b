import RohrpostRelay

/// The demo's `todo` table: created if missing, watched with three kinds of group.
struct DemoTable {
    let database: Database

    /// Creates and watches the table, with a few rows to start from.
    func install() async throws {
        try await database.withConnection { connection in
            try connection.execute(
                """
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
                """)
        }
    }
}
