import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Schema } from 'hono';
import type { AppEnv } from './env.js';
import type { registerListNotifications } from './routes/notifications/list.js';
import type { registerMarkNotificationsRead } from './routes/notifications/read.js';
import type { registerCreateAffiliate } from './routes/affiliates/create.js';
import type { registerDecideAffiliate } from './routes/affiliates/decide.js';
import type { registerGetAffiliate } from './routes/affiliates/get.js';
import type { registerGetAffiliatePerformance } from './routes/affiliates/performance.js';
import type { registerListAffiliates } from './routes/affiliates/list.js';
import type { registerGetAffiliateLogSalt } from './routes/affiliates/log-salt.js';
import type { registerListAffiliateReceipts } from './routes/affiliates/receipts.js';
import type { registerUpdateAffiliate } from './routes/affiliates/update.js';
import type { registerCreateApiKey } from './routes/api-keys/create.js';
import type { registerListApiKeys } from './routes/api-keys/list.js';
import type { registerRevokeApiKey } from './routes/api-keys/revoke.js';
import type { registerRotateApiKeySigningSecret } from './routes/api-keys/signing-secret.js';
import type { registerChangePassword } from './routes/auth/change-password.js';
import type { registerJwks } from './routes/auth/jwks.js';
import type { registerLogin } from './routes/auth/login.js';
import type { registerLogoutAll } from './routes/auth/logout-all.js';
import type { registerMe } from './routes/auth/me.js';
import type { registerRotateKeys } from './routes/auth/rotate-keys.js';
import type { registerGetClickStats } from './routes/click-stats/get.js';
import type { registerListCommissionPolicyVersions } from './routes/commission-policies/list-versions.js';
import type { registerListCommissionPolicies } from './routes/commission-policies/list.js';
import type { registerPreviewCommissionPolicy } from './routes/commission-policies/preview.js';
import type { registerSetCommissionPolicy } from './routes/commission-policies/set.js';
import type { registerApproveHeldCommission } from './routes/commissions/approve.js';
import type { registerGetCommission } from './routes/commissions/get.js';
import type { registerListCommissions } from './routes/commissions/list.js';
import type { registerRejectHeldCommission } from './routes/commissions/reject.js';
import type { registerCancelConversion } from './routes/conversions/cancel.js';
import type { registerCompleteConversion } from './routes/conversions/complete.js';
import type { registerGetConversion } from './routes/conversions/get.js';
import type { registerListConversions } from './routes/conversions/list.js';
import type { registerRefundConversion } from './routes/conversions/refund.js';
import type { registerTrackConversion } from './routes/conversions/track.js';
import type { registerCreateCustomField } from './routes/custom-fields/create.js';
import type { registerDeleteCustomField } from './routes/custom-fields/delete.js';
import type { registerListCustomFields } from './routes/custom-fields/list.js';
import type { registerUpdateCustomField } from './routes/custom-fields/update.js';
import type { registerListFxRates } from './routes/fx-rates/list.js';
import type { registerSetFxRate } from './routes/fx-rates/set.js';
import type { registerCreateImport } from './routes/imports/create.js';
import type { registerGetImport } from './routes/imports/get.js';
import type { registerListImports } from './routes/imports/list.js';
import type { registerGetOrCreateInviteLink } from './routes/invite-links/get-or-create.js';
import type { registerGetProgramKpis } from './routes/kpis/get.js';
import type { registerArchiveLink } from './routes/links/archive.js';
import type { registerCreateLink } from './routes/links/create.js';
import type { registerGetLink } from './routes/links/get.js';
import type { registerListLinks } from './routes/links/list.js';
import type { registerRestoreLink } from './routes/links/restore.js';
import type { registerUpdateLink } from './routes/links/update.js';
import type { registerGetLogCheckpointJws } from './routes/log/checkpoint-jws.js';
import type { registerGetLogCheckpoint } from './routes/log/checkpoint.js';
import type { registerRotateLogKey } from './routes/log/rotate-key.js';
import type { registerGetLogVkey } from './routes/log/vkey.js';
import type { registerCreateMarket } from './routes/markets/create.js';
import type { registerListMarkets } from './routes/markets/list.js';
import type { registerUpdateMarket } from './routes/markets/update.js';
import type { registerSetMarketCommissionBounds } from './routes/markets/set-commission-bounds.js';
import type { registerGetMemberTier } from './routes/member-tier/get.js';
import type { registerListTierHistory } from './routes/member-tier/list-history.js';
import type { registerAddMemberTag } from './routes/members/add-tag.js';
import type { registerCreateMember } from './routes/members/create.js';
import type { registerExportMembers } from './routes/members/export.js';
import type { registerGetMember } from './routes/members/get.js';
import type { registerListMembers } from './routes/members/list.js';
import type { registerRemoveMemberTag } from './routes/members/remove-tag.js';
import type { registerUpdateMember } from './routes/members/update.js';
import type { registerRecordMemberOrder } from './routes/orders/create.js';
import type { registerRefundMemberOrder } from './routes/orders/refund.js';
import type { registerGetPayoutAccount } from './routes/payout-accounts/get.js';
import type { registerStartPayoutAccountOnboarding } from './routes/payout-accounts/onboard.js';
import type { registerRefreshPayoutAccount } from './routes/payout-accounts/refresh.js';
import type { registerStartPayoutRun } from './routes/payout-runs/create.js';
import type { registerGetPayoutRun } from './routes/payout-runs/get.js';
import type { registerListPayoutRuns } from './routes/payout-runs/list.js';
import type { registerResumePayoutRun } from './routes/payout-runs/resume.js';
import type { registerListAffiliatePayouts } from './routes/payouts/affiliate-list.js';
import type { registerGetAffiliateBalance } from './routes/payouts/balance.js';
import type { registerGetPayout } from './routes/payouts/get.js';
import type { registerListPayouts } from './routes/payouts/list.js';
import type { registerMarkPayoutPaid } from './routes/payouts/mark-paid.js';
import type { registerGetPayoutSettings } from './routes/payouts/settings.js';
import type { registerGetPayoutStatement } from './routes/payouts/statement.js';
import type { registerAdjustPoints } from './routes/points/adjust.js';
import type { registerEarnPoints } from './routes/points/earn.js';
import type { registerGetPointsBalance } from './routes/points/get-balance.js';
import type { registerListPointsEntries } from './routes/points/list-entries.js';
import type { registerListPointsHistory } from './routes/points/list-history.js';
import type { registerListReferredFriends } from './routes/referrals/list-friends.js';
import type { registerRedeemPoints } from './routes/points/redeem.js';
import type { registerReversePointsEntry } from './routes/points/reverse.js';
import type { registerCreateProgram } from './routes/programs/create.js';
import type { registerGetProgram } from './routes/programs/get.js';
import type { registerListPrograms } from './routes/programs/list.js';
import type { registerUpdateProgram } from './routes/programs/update.js';
import type { registerArchivePromoCode } from './routes/promo-codes/archive.js';
import type { registerCreatePromoCode } from './routes/promo-codes/create.js';
import type { registerListPromoCodes } from './routes/promo-codes/list.js';
import type { registerGetLogConsistencyProof } from './routes/proofs/consistency.js';
import type { registerGetLogInclusionProof } from './routes/proofs/inclusion.js';
import type { registerGetPublicProgramStats } from './routes/public/program-stats.js';
import type { registerFollowLink } from './routes/redirect/follow.js';
import type { registerListSegmentMembers } from './routes/segments/list-members.js';
import type { registerRecomputeSegments } from './routes/segments/recompute.js';
import type { registerGetSegmentCounts } from './routes/segments/summary.js';
import type { registerReceiveStripeWebhook } from './routes/stripe/webhooks.js';
import type { registerHealth } from './routes/system/health.js';
import type { registerListTags } from './routes/tags/list.js';
import type { registerCreateTierPurchase } from './routes/tier-purchases/create.js';
import type { registerCreateTier } from './routes/tiers/create.js';
import type { registerDeleteTier } from './routes/tiers/delete.js';
import type { registerGetTier } from './routes/tiers/get.js';
import type { registerListTiers } from './routes/tiers/list.js';
import type { registerUpdateTier } from './routes/tiers/update.js';
import type { registerDeleteTranslationOverride } from './routes/translations/delete.js';
import type { registerListTranslationTexts } from './routes/translations/list.js';
import type { registerGetTranslationOverrides } from './routes/translations/overrides.js';
import type { registerSetTranslationOverride } from './routes/translations/set.js';
import type { registerCreateUser } from './routes/users/create.js';
import type { registerGetUser } from './routes/users/get.js';
import type { registerListUsers } from './routes/users/list.js';
import type { registerUpdateUser } from './routes/users/update.js';

/**
 * The API as the web app's typed client (`hc<WebApi>` from hono/client) sees it. Each register
 * function returns `app.openapi(...)`, whose type carries that operation's path, input and output;
 * this file joins them, so the compiler checks every call the dashboards make. A new route joins
 * by returning the app from its register function and being listed here.
 */
type WebRoutes =
  | typeof registerListNotifications
  | typeof registerMarkNotificationsRead
  | typeof registerCreateAffiliate
  | typeof registerDecideAffiliate
  | typeof registerGetAffiliate
  | typeof registerGetAffiliatePerformance
  | typeof registerListAffiliates
  | typeof registerGetAffiliateLogSalt
  | typeof registerListAffiliateReceipts
  | typeof registerUpdateAffiliate
  | typeof registerCreateApiKey
  | typeof registerListApiKeys
  | typeof registerRevokeApiKey
  | typeof registerRotateApiKeySigningSecret
  | typeof registerChangePassword
  | typeof registerLogoutAll
  | typeof registerJwks
  | typeof registerLogin
  | typeof registerMe
  | typeof registerRotateKeys
  | typeof registerGetClickStats
  | typeof registerListCommissionPolicyVersions
  | typeof registerListCommissionPolicies
  | typeof registerPreviewCommissionPolicy
  | typeof registerSetCommissionPolicy
  | typeof registerApproveHeldCommission
  | typeof registerGetCommission
  | typeof registerListCommissions
  | typeof registerRejectHeldCommission
  | typeof registerCancelConversion
  | typeof registerCompleteConversion
  | typeof registerGetConversion
  | typeof registerListConversions
  | typeof registerRefundConversion
  | typeof registerTrackConversion
  | typeof registerCreateCustomField
  | typeof registerDeleteCustomField
  | typeof registerListCustomFields
  | typeof registerUpdateCustomField
  | typeof registerListFxRates
  | typeof registerSetFxRate
  | typeof registerCreateImport
  | typeof registerGetImport
  | typeof registerListImports
  | typeof registerGetOrCreateInviteLink
  | typeof registerGetProgramKpis
  | typeof registerArchiveLink
  | typeof registerCreateLink
  | typeof registerGetLink
  | typeof registerListLinks
  | typeof registerRestoreLink
  | typeof registerUpdateLink
  | typeof registerGetLogCheckpointJws
  | typeof registerGetLogCheckpoint
  | typeof registerGetLogVkey
  | typeof registerRotateLogKey
  | typeof registerCreateMarket
  | typeof registerListMarkets
  | typeof registerUpdateMarket
  | typeof registerSetMarketCommissionBounds
  | typeof registerGetMemberTier
  | typeof registerListTierHistory
  | typeof registerAddMemberTag
  | typeof registerCreateMember
  | typeof registerExportMembers
  | typeof registerGetMember
  | typeof registerListMembers
  | typeof registerRemoveMemberTag
  | typeof registerUpdateMember
  | typeof registerRecordMemberOrder
  | typeof registerRefundMemberOrder
  | typeof registerGetPayoutAccount
  | typeof registerStartPayoutAccountOnboarding
  | typeof registerRefreshPayoutAccount
  | typeof registerStartPayoutRun
  | typeof registerGetPayoutRun
  | typeof registerListPayoutRuns
  | typeof registerResumePayoutRun
  | typeof registerListAffiliatePayouts
  | typeof registerGetAffiliateBalance
  | typeof registerGetPayout
  | typeof registerListPayouts
  | typeof registerMarkPayoutPaid
  | typeof registerGetPayoutSettings
  | typeof registerGetPayoutStatement
  | typeof registerAdjustPoints
  | typeof registerEarnPoints
  | typeof registerGetPointsBalance
  | typeof registerListPointsEntries
  | typeof registerListPointsHistory
  | typeof registerListReferredFriends
  | typeof registerRedeemPoints
  | typeof registerReversePointsEntry
  | typeof registerCreateProgram
  | typeof registerGetProgram
  | typeof registerListPrograms
  | typeof registerUpdateProgram
  | typeof registerArchivePromoCode
  | typeof registerCreatePromoCode
  | typeof registerListPromoCodes
  | typeof registerGetLogConsistencyProof
  | typeof registerGetLogInclusionProof
  | typeof registerGetPublicProgramStats
  | typeof registerFollowLink
  | typeof registerListSegmentMembers
  | typeof registerRecomputeSegments
  | typeof registerGetSegmentCounts
  | typeof registerReceiveStripeWebhook
  | typeof registerHealth
  | typeof registerListTags
  | typeof registerCreateTierPurchase
  | typeof registerCreateTier
  | typeof registerDeleteTier
  | typeof registerGetTier
  | typeof registerListTiers
  | typeof registerUpdateTier
  | typeof registerDeleteTranslationOverride
  | typeof registerListTranslationTexts
  | typeof registerGetTranslationOverrides
  | typeof registerSetTranslationOverride
  | typeof registerCreateUser
  | typeof registerGetUser
  | typeof registerListUsers
  | typeof registerUpdateUser;

type SchemaOf<R> = R extends (app: never) => OpenAPIHono<AppEnv, infer S extends Schema, '/'> ? S : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export type WebApi = OpenAPIHono<AppEnv, Intersect<SchemaOf<WebRoutes>>, '/'>;
