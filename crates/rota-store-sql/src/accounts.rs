//! Businesses, accounts and the audit log.

/// Implements `BusinessRepository`, `AccountRepository` and `AuditLog` for
/// the store's transaction `$tx`, whose rows are `$row` of the database
/// `$db` (see the crate's documentation for what the expansion names, and
/// besides: `crate::codec::{name, from_name, is_unique, Json, Stamp,
/// LOCK_ROW}`). Writing many accounts is the store's own: `$tx` has an
/// inherent `async fn insert_accounts(&mut self, &[Account])`, and the
/// expansion gives it back `insert_account_rows` (multi-row `INSERT`s) and
/// `shared_accounts::{fields, email_or}`.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! accounts_repositories {
    ($tx:ty, $row:ty, $db:ty) => {
        pub(crate) mod shared_accounts {
            use ::rota_app::domain::account::{
                Account, CustomerProfile, EmployeeProfile, Profile, Text,
            };
            use ::rota_app::domain::audit::{AuditEvent, AuditEventId};
            use ::rota_app::domain::business::{Business, Currency, Zone};
            use ::rota_app::domain::id::{AccountId, BusinessId};
            use ::rota_app::domain::name::{BusinessName, PersonName, Slug};
            use ::rota_app::domain::plan::Subscription;
            use ::rota_app::domain::role::EmployeeRoles;
            use ::rota_app::domain::uuid::Uuid;
            use ::rota_app::ports::{
                AccountRepository, AuditLog, BusinessRepository, Conflict, CustomerQuery, EmployeeQuery,
                PasswordHash, StoreError,
            };
            use ::sqlx::Row;

            use crate::codec::{
                Json, LOCK_ROW, PLANNED_ONCE, Stamp, push_accounts_with_emails, push_has_role, corrupt, db_error, from_name, instant,
                is_unique, json, name, opt_instant, read_json, stamp,
            };

            const BUSINESS_COLUMNS: &str =
                "id, name, slug, time_zone, currency, plan, subscription, settings, created_at";

            fn business_from(row: &$row) -> Result<Business, StoreError> {
                let get_text = |c: &str| row.try_get::<String, _>(c).map_err(db_error);
                Ok(Business {
                    id: BusinessId::from_uuid(row.try_get("id").map_err(db_error)?),
                    name: BusinessName::parse(&get_text("name")?).map_err(corrupt)?,
                    slug: Slug::parse(&get_text("slug")?).map_err(corrupt)?,
                    time_zone: Zone::parse(&get_text("time_zone")?).map_err(corrupt)?,
                    currency: Currency::parse(&get_text("currency")?).map_err(corrupt)?,
                    subscription: Subscription {
                        plan: from_name(&get_text("plan")?)?,
                        status: from_name(&get_text("subscription")?)?,
                    },
                    settings: read_json(row, "settings")?,
                    created_at: instant(row.try_get("created_at").map_err(db_error)?)?,
                })
            }

            use $crate::{ACCOUNT_COLUMNS, ACCOUNT_COLUMNS_OF_A};

            /// An account from a row of `ACCOUNT_COLUMNS` (or, prefixed,
            /// `ACCOUNT_COLUMNS_OF_A`).
            pub(crate) fn account_from(row: &$row) -> Result<Account, StoreError> {
                let text = |c: &str| row.try_get::<Option<String>, _>(c).map_err(db_error);
                let required = |c: &str| text(c)?.ok_or_else(|| corrupt(format!("{c} is missing")));
                let person = |c: &str| PersonName::parse(&required(c)?).map_err(corrupt);
                let optional_text = |c: &str| -> Result<Option<Text>, StoreError> {
                    Ok(match text(c)? {
                        Some(t) => Text::parse(&t).map_err(corrupt)?,
                        None => None,
                    })
                };
                let profile = match required("kind")?.as_str() {
                    "employee" => {
                        let owner: bool = row.try_get("owner").map_err(db_error)?;
                        Profile::Employee(EmployeeProfile {
                            name: person("name")?,
                            phone: optional_text("phone")?,
                            roles: EmployeeRoles::new(read_json(row, "roles")?, owner)
                                .map_err(corrupt)?,
                        })
                    }
                    "customer" => Profile::Customer(CustomerProfile {
                        first_name: person("first_name")?,
                        last_name: person("last_name")?,
                        details: read_json(row, "details")?,
                        archived_at: opt_instant(row.try_get("archived_at").map_err(db_error)?)?,
                    }),
                    other => return Err(corrupt(format!("account kind {other}"))),
                };
                Ok(Account {
                    id: AccountId::from_uuid(row.try_get("id").map_err(db_error)?),
                    business_id: BusinessId::from_uuid(row.try_get("business_id").map_err(db_error)?),
                    email: ::rota_app::domain::email::EmailAddress::parse(&required("email")?)
                        .map_err(corrupt)?,
                    status: from_name(&required("status")?)?,
                    profile,
                    created_at: instant(row.try_get("created_at").map_err(db_error)?)?,
                    activated_at: opt_instant(row.try_get("activated_at").map_err(db_error)?)?,
                })
            }

            /// The columns of an account that change, in `ACCOUNT_WRITE` order.
            pub(crate) struct AccountFields {
                pub(crate) kind: &'static str,
                pub(crate) name: Option<String>,
                pub(crate) phone: Option<String>,
                pub(crate) roles: Option<Json>,
                pub(crate) owner: bool,
                pub(crate) first_name: Option<String>,
                pub(crate) last_name: Option<String>,
                pub(crate) details: Option<Json>,
                pub(crate) archived_at: Option<Stamp>,
            }

            pub(crate) fn fields(account: &Account) -> Result<AccountFields, StoreError> {
                Ok(match &account.profile {
                    Profile::Employee(e) => AccountFields {
                        kind: "employee",
                        name: Some(e.name.to_string()),
                        phone: e.phone.as_ref().map(|p| p.as_str().to_owned()),
                        roles: Some(json(&e.roles.roles())?),
                        owner: e.roles.is_owner(),
                        first_name: None,
                        last_name: None,
                        details: None,
                        archived_at: None,
                    },
                    Profile::Customer(c) => AccountFields {
                        kind: "customer",
                        name: None,
                        phone: None,
                        roles: None,
                        owner: false,
                        first_name: Some(c.first_name.to_string()),
                        last_name: Some(c.last_name.to_string()),
                        details: Some(json(&c.details)?),
                        archived_at: c.archived_at.map(stamp),
                    },
                })
            }

            pub(crate) fn email_or(e: ::sqlx::Error) -> StoreError {
                if is_unique(&e) {
                    Conflict::EmailTaken.into()
                } else {
                    db_error(e)
                }
            }

            /// Rows a multi-row `INSERT` writes at once (16 values each, within
            /// both databases' limit on bound values).
            const ROWS_PER_INSERT: usize = 1000;

            impl $tx {
                /// Accounts written by multi-row `INSERT`s, a thousand rows a
                /// statement.
                pub(crate) async fn insert_account_rows(
                    &mut self,
                    accounts: &[Account],
                ) -> Result<(), StoreError> {
                    for chunk in accounts.chunks(ROWS_PER_INSERT) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO accounts (business_id, id, kind, email, email_normalized, status, \
                             name, phone, roles, owner, first_name, last_name, details, archived_at, \
                             created_at, activated_at) ",
                        );
                        let mut rows = Vec::with_capacity(chunk.len());
                        for a in chunk {
                            rows.push((a, fields(a)?));
                        }
                        q.push_values(rows, |mut row, (a, f)| {
                            row.push_bind(a.business_id.as_uuid())
                                .push_bind(a.id.as_uuid())
                                .push_bind(f.kind)
                                .push_bind(a.email.as_str().to_owned())
                                .push_bind(a.email.normalized().to_owned())
                                .push_bind(a.status.as_str())
                                .push_bind(f.name)
                                .push_bind(f.phone)
                                .push_bind(f.roles)
                                .push_bind(f.owner)
                                .push_bind(f.first_name)
                                .push_bind(f.last_name)
                                .push_bind(f.details)
                                .push_bind(f.archived_at)
                                .push_bind(stamp(a.created_at))
                                .push_bind(a.activated_at.map(stamp));
                        });
                        q.build().execute(self.conn()).await.map_err(email_or)?;
                    }
                    Ok(())
                }
            }

            #[::async_trait::async_trait]
            impl BusinessRepository for $tx {
                async fn insert(&mut self, b: &Business) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO businesses (id, name, slug, time_zone, currency, plan, subscription, settings, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(b.id.as_uuid())
                    .bind(b.name.as_str())
                    .bind(b.slug.as_str())
                    .bind(b.time_zone.name())
                    .bind(b.currency.as_str())
                    .bind(name(&b.subscription.plan)?)
                    .bind(name(&b.subscription.status)?)
                    .bind(json(&b.settings)?)
                    .bind(stamp(b.created_at))
                    .execute(self.conn())
                    .await
                    .map_err(|e| if is_unique(&e) { Conflict::SlugTaken.into() } else { db_error(e) })?;
                    Ok(())
                }

                async fn get(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError> {
                    let sql = format!("SELECT {BUSINESS_COLUMNS} FROM businesses WHERE id = $1");
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(id.as_uuid())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(business_from).transpose()
                }

                async fn revised(&mut self, id: BusinessId) -> Result<Option<(Business, u64)>, StoreError> {
                    let sql = format!("SELECT {BUSINESS_COLUMNS}, revision FROM businesses WHERE id = $1");
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(id.as_uuid())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref()
                        .map(|r| Ok((business_from(r)?, u64::try_from(r.try_get::<i64, _>("revision").map_err(db_error)?).map_err(corrupt)?)))
                        .transpose()
                }

                async fn by_slug(&mut self, slug: &Slug) -> Result<Option<Business>, StoreError> {
                    let sql = format!("SELECT {BUSINESS_COLUMNS} FROM businesses WHERE slug = $1");
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(slug.as_str())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(business_from).transpose()
                }

                async fn lock(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError> {
                    // Serializes team changes (R4, R7) across every server process.
                    let sql = format!("SELECT {BUSINESS_COLUMNS} FROM businesses WHERE id = $1{LOCK_ROW}");
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(id.as_uuid())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(business_from).transpose()
                }

                async fn update(&mut self, b: &Business) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "UPDATE businesses SET name = $1, slug = $2, time_zone = $3, currency = $4, plan = $5, subscription = $6, \
                         settings = $7, revision = revision + 1 WHERE id = $8",
                    )
                    .bind(b.name.as_str())
                    .bind(b.slug.as_str())
                    .bind(b.time_zone.name())
                    .bind(b.currency.as_str())
                    .bind(name(&b.subscription.plan)?)
                    .bind(name(&b.subscription.status)?)
                    .bind(json(&b.settings)?)
                    .bind(b.id.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(|e| if is_unique(&e) { Conflict::SlugTaken.into() } else { db_error(e) })?;
                    Ok(())
                }
            }

            #[::async_trait::async_trait]
            impl AccountRepository for $tx {
                async fn insert(&mut self, a: &Account) -> Result<(), StoreError> {
                    let f = fields(a)?;
                    ::sqlx::query(
                        "INSERT INTO accounts (business_id, id, kind, email, email_normalized, status, name, phone, roles, owner, \
                         first_name, last_name, details, archived_at, created_at, activated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                    )
                    .bind(a.business_id.as_uuid())
                    .bind(a.id.as_uuid())
                    .bind(f.kind)
                    .bind(a.email.as_str())
                    .bind(a.email.normalized())
                    .bind(a.status.as_str())
                    .bind(f.name)
                    .bind(f.phone)
                    .bind(f.roles)
                    .bind(f.owner)
                    .bind(f.first_name)
                    .bind(f.last_name)
                    .bind(f.details)
                    .bind(f.archived_at)
                    .bind(stamp(a.created_at))
                    .bind(a.activated_at.map(stamp))
                    .execute(self.conn())
                    .await
                    .map_err(email_or)?;
                    Ok(())
                }

                async fn get(
                    &mut self,
                    business: BusinessId,
                    id: AccountId,
                ) -> Result<Option<Account>, StoreError> {
                    let sql =
                        format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE business_id = $1 AND id = $2");
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(id.as_uuid())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(account_from).transpose()
                }

                async fn get_many(
                    &mut self,
                    business: BusinessId,
                    ids: &[AccountId],
                ) -> Result<Vec<Account>, StoreError> {
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE business_id = "
                    ));
                    q.push_bind(business.as_uuid()).push(" AND id IN (");
                    let mut list = q.separated(", ");
                    for id in ids {
                        list.push_bind(id.as_uuid());
                    }
                    q.push(")");
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    rows.iter().map(account_from).collect()
                }

                async fn by_email(
                    &mut self,
                    business: BusinessId,
                    normalized_email: &str,
                ) -> Result<Option<Account>, StoreError> {
                    let sql = format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE business_id = $1 AND email_normalized = $2"
                    );
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(normalized_email)
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(account_from).transpose()
                }

                async fn by_emails(
                    &mut self,
                    business: BusinessId,
                    normalized_emails: &[String],
                ) -> Result<Vec<Account>, StoreError> {
                    let mut found = Vec::with_capacity(normalized_emails.len());
                    for chunk in normalized_emails.chunks(ROWS_PER_INSERT) {
                        let mut q = ::sqlx::QueryBuilder::<$db>::new(format!(
                            "SELECT {ACCOUNT_COLUMNS_OF_A}"
                        ));
                        push_accounts_with_emails(&mut q, business, chunk);
                        // Planned for its values on PostgreSQL: a generic
                        // plan made while an import grows the table in its
                        // transaction (unanalysed) scans it instead of the
                        // email index, a thousand comparisons a row.
                        let rows = q
                            .build()
                            .persistent(PLANNED_ONCE)
                            .fetch_all(self.conn())
                            .await
                            .map_err(db_error)?;
                        for row in &rows {
                            found.push(account_from(row)?);
                        }
                    }
                    Ok(found)
                }

                async fn insert_many(&mut self, accounts: &[Account]) -> Result<(), StoreError> {
                    // The store's own: multi-row INSERTs, or COPY.
                    self.insert_accounts(accounts).await
                }

                async fn update(&mut self, a: &Account) -> Result<(), StoreError> {
                    let f = fields(a)?;
                    ::sqlx::query(
                        "UPDATE accounts SET email = $1, email_normalized = $2, status = $3, name = $4, phone = $5, roles = $6, owner = $7, \
                         first_name = $8, last_name = $9, details = $10, archived_at = $11, activated_at = $12 \
                         WHERE business_id = $13 AND id = $14",
                    )
                    .bind(a.email.as_str())
                    .bind(a.email.normalized())
                    .bind(a.status.as_str())
                    .bind(f.name)
                    .bind(f.phone)
                    .bind(f.roles)
                    .bind(f.owner)
                    .bind(f.first_name)
                    .bind(f.last_name)
                    .bind(f.details)
                    .bind(f.archived_at)
                    .bind(a.activated_at.map(stamp))
                    .bind(a.business_id.as_uuid())
                    .bind(a.id.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(email_or)?;
                    Ok(())
                }

                async fn employees(&mut self, business: BusinessId) -> Result<Vec<Account>, StoreError> {
                    let sql = format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE business_id = $1 AND kind = 'employee' ORDER BY id"
                    );
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .fetch_all(self.conn())
                        .await
                        .map_err(db_error)?;
                    rows.iter().map(account_from).collect()
                }

                async fn employees_page(
                    &mut self,
                    business: BusinessId,
                    query: &EmployeeQuery,
                ) -> Result<Vec<Account>, StoreError> {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE business_id = "
                    ));
                    q.push_bind(business.as_uuid()).push(" AND kind = 'employee'");
                    if let Some(role) = query.role {
                        q.push(" AND ");
                        push_has_role(&mut q, name(&role)?);
                    }
                    if let Some(status) = query.status {
                        q.push(" AND status = ").push_bind(status.as_str());
                    }
                    if let Some(after) = query.after {
                        q.push(" AND id > ").push_bind(after.as_uuid());
                    }
                    q.push(" ORDER BY id").push($crate::limit(query.limit));
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    rows.iter().map(account_from).collect()
                }

                async fn customers(
                    &mut self,
                    business: BusinessId,
                    query: &CustomerQuery,
                ) -> Result<Vec<Account>, StoreError> {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE business_id = "
                    ));
                    q.push_bind(business.as_uuid())
                        .push(" AND kind = 'customer'");
                    if let Some(after) = query.after {
                        q.push(" AND id > ").push_bind(after.as_uuid());
                    }
                    if let Some(text) = &query.text {
                        let pattern = format!(
                            "%{}%",
                            text.replace('\\', "\\\\")
                                .replace('%', "\\%")
                                .replace('_', "\\_")
                        );
                        q.push(" AND (email_normalized LIKE ")
                            .push_bind(pattern.clone())
                            .push(" ESCAPE '\\' OR lower(first_name || ' ' || last_name) LIKE ")
                            .push_bind(pattern)
                            .push(" ESCAPE '\\')");
                    }
                    q.push(" ORDER BY id").push($crate::limit(query.limit));
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    rows.iter().map(account_from).collect()
                }

                async fn set_password_hash(
                    &mut self,
                    business: BusinessId,
                    id: AccountId,
                    hash: &PasswordHash,
                ) -> Result<(), StoreError> {
                    ::sqlx::query("UPDATE accounts SET password_hash = $1 WHERE business_id = $2 AND id = $3")
                        .bind(hash.as_str())
                        .bind(business.as_uuid())
                        .bind(id.as_uuid())
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn password_hash(
                    &mut self,
                    business: BusinessId,
                    id: AccountId,
                ) -> Result<Option<PasswordHash>, StoreError> {
                    let hash: Option<Option<String>> = ::sqlx::query_scalar(
                        "SELECT password_hash FROM accounts WHERE business_id = $1 AND id = $2",
                    )
                    .bind(business.as_uuid())
                    .bind(id.as_uuid())
                    .fetch_optional(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(hash.flatten().map(PasswordHash::new))
                }
            }

            #[::async_trait::async_trait]
            impl AuditLog for $tx {
                async fn append(&mut self, e: &AuditEvent) -> Result<(), StoreError> {
                    ::sqlx::query("INSERT INTO audit_events (business_id, id, actor_id, subject_id, kind, change, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(e.business_id.as_uuid())
                        .bind(e.id.as_uuid())
                        .bind(e.actor.map(|a| a.as_uuid()))
                        .bind(e.subject.map(|a| a.as_uuid()))
                        .bind(e.change.kind())
                        .bind(json(&e.change)?)
                        .bind(stamp(e.at))
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn list(
                    &mut self,
                    business: BusinessId,
                    before: Option<AuditEventId>,
                    limit: u32,
                ) -> Result<Vec<AuditEvent>, StoreError> {
                    let sql = format!(
                        "SELECT business_id, id, actor_id, subject_id, change, at FROM audit_events \
                         WHERE business_id = $1 AND ($2 IS NULL OR id < $3) ORDER BY id DESC{}",
                        $crate::limit(limit)
                    );
                    let rows = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(before.map(|b| b.as_uuid()))
                        .bind(before.map(|b| b.as_uuid()))
                        .persistent(PLANNED_ONCE)
                        .fetch_all(self.conn())
                        .await
                        .map_err(db_error)?;
                    rows.iter()
                        .map(|r| {
                            let uuid = |c: &str| r.try_get::<Option<Uuid>, _>(c).map_err(db_error);
                            Ok(AuditEvent {
                                id: AuditEventId::from_uuid(r.try_get("id").map_err(db_error)?),
                                business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                                actor: uuid("actor_id")?.map(AccountId::from_uuid),
                                subject: uuid("subject_id")?.map(AccountId::from_uuid),
                                change: read_json(r, "change")?,
                                at: instant(r.try_get("at").map_err(db_error)?)?,
                            })
                        })
                        .collect()
                }
            }
        }
    };
}
