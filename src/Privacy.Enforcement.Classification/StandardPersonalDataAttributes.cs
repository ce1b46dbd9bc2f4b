namespace Privacy.Enforcement.Classification;

/// <summary>The user's name: <see cref="StandardDataCategories.Name"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class NameDataAttribute() : PersonalDataAttribute(StandardDataCategories.Name);

/// <summary>An e-mail address: <see cref="StandardDataCategories.Email"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class EmailDataAttribute() : PersonalDataAttribute(StandardDataCategories.Email);

/// <summary>A phone number: <see cref="StandardDataCategories.Phone"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class PhoneDataAttribute() : PersonalDataAttribute(StandardDataCategories.Phone);

/// <summary>A postal address: <see cref="StandardDataCategories.Address"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class AddressDataAttribute() : PersonalDataAttribute(StandardDataCategories.Address);

/// <summary>A government-issued identifier: <see cref="StandardDataCategories.GovernmentId"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class GovernmentIdDataAttribute() : PersonalDataAttribute(StandardDataCategories.GovernmentId);

/// <summary>An account's username: <see cref="StandardDataCategories.Username"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class UsernameDataAttribute() : PersonalDataAttribute(StandardDataCategories.Username);

/// <summary>A token, key or other credential: <see cref="StandardDataCategories.Credentials"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class CredentialsDataAttribute() : PersonalDataAttribute(StandardDataCategories.Credentials);

/// <summary>A password (or its hash): <see cref="StandardDataCategories.Password"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class PasswordDataAttribute() : PersonalDataAttribute(StandardDataCategories.Password);

/// <summary>Where the user is or was: <see cref="StandardDataCategories.Location"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class LocationDataAttribute() : PersonalDataAttribute(StandardDataCategories.Location);

/// <summary>A device identifier: <see cref="StandardDataCategories.DeviceId"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class DeviceIdDataAttribute() : PersonalDataAttribute(StandardDataCategories.DeviceId);

/// <summary>An IP address: <see cref="StandardDataCategories.IpAddress"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class IpAddressDataAttribute() : PersonalDataAttribute(StandardDataCategories.IpAddress);

/// <summary>A payment instrument or financial account: <see cref="StandardDataCategories.Payment"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class PaymentDataAttribute() : PersonalDataAttribute(StandardDataCategories.Payment);

/// <summary>Purchases and orders: <see cref="StandardDataCategories.PurchaseHistory"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class PurchaseHistoryDataAttribute() : PersonalDataAttribute(StandardDataCategories.PurchaseHistory);

/// <summary>Content the user provides: <see cref="StandardDataCategories.Content"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class ContentDataAttribute() : PersonalDataAttribute(StandardDataCategories.Content);

/// <summary>Biometric data: <see cref="StandardDataCategories.Biometric"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class BiometricDataAttribute() : PersonalDataAttribute(StandardDataCategories.Biometric);

/// <summary>Health and medical data: <see cref="StandardDataCategories.Health"/>. Usable on <c>[LoggerMessage]</c> parameters and named in the compliance report.</summary>
public sealed class HealthDataAttribute() : PersonalDataAttribute(StandardDataCategories.Health);
