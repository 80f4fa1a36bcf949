//! The payment-processor port: where a customer can pay a request online.
//! Rota has no processor yet; [`RecordedByTheTeam`] is the default, and a
//! business's team records what is paid (B8).

use async_trait::async_trait;
use rota_domain::booking::PaymentRequest;
use rota_domain::business::Currency;

/// A processor could not take the request.
#[derive(Debug, thiserror::Error)]
#[error("the payment processor refused the request: {0}")]
pub struct ProcessorError(pub String);

/// A payment processor (a Stripe or Mollie adapter, say).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PaymentProcessor: Send + Sync {
    /// A link at which the customer can pay `request` (in `currency`), or
    /// `None` when the business takes payment its own way. Called before
    /// the request is kept; an error refuses the request and nothing is
    /// sent. Settling a paid request comes back as a recorded payment.
    async fn checkout(
        &self,
        request: &PaymentRequest,
        currency: &Currency,
    ) -> Result<Option<String>, ProcessorError>;
}

/// No processor: the email asks the customer to pay as they usually do,
/// quoting the reference, and the team records the payment.
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordedByTheTeam;

#[async_trait]
impl PaymentProcessor for RecordedByTheTeam {
    async fn checkout(
        &self,
        _request: &PaymentRequest,
        _currency: &Currency,
    ) -> Result<Option<String>, ProcessorError> {
        Ok(None)
    }
}
