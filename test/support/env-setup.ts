// Argon2 and migrations take a moment; keep Nest quiet unless a test asks for logs.
process.env.TZ = process.env.TZ || 'UTC';
