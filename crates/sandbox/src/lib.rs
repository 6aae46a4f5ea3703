//! Local Matter API and Clerk-style OAuth sandbox (skeleton; being built).
